// leakguard/leakguard.hpp - the whole pattern library.
#pragma once

#include "leakguard/errors.hpp"
#include "leakguard/result.hpp"
#include "leakguard/channel.hpp"
#include "leakguard/select.hpp"
#include "leakguard/context.hpp"
#include "leakguard/wait_group.hpp"
#include "leakguard/semaphore.hpp"
#include "leakguard/weighted_semaphore.hpp"
#include "leakguard/defer.hpp"
#include "leakguard/go.hpp"
#include "leakguard/sleep.hpp"
