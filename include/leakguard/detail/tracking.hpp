// leakguard/detail/tracking.hpp - the one hook point between the pattern
// library and the runtime leak tracker.
//
// Contract:
//  * Every blocking library operation constructs a `blocking_scope` on its own
//    stack immediately before it parks (after the fast, non-blocking attempt
//    failed) and lets it die when it stops waiting. The `wait_record` it
//    carries lives exactly as long as the wait, so the tracker may keep a
//    pointer to it while the thread is blocked and must drop it in
//    `block_end`.
//  * Permit-holding primitives report `note_permits(+n / -n)` so that permits
//    still held when a test ends can be named with their acquire site.
//  * With no tracker installed every hook is one relaxed atomic load and a
//    branch. Defining LEAKGUARD_NO_TRACKING (to 1) before including any
//    leakguard header compiles every hook out entirely.
//
// The runtime (runtime/) installs a `tracker_hooks` table at start-up; the
// header library works without it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <source_location>

#ifndef LEAKGUARD_NO_TRACKING
#define LEAKGUARD_NO_TRACKING 0
#endif

namespace leakguard::detail {

// What kind of wait a record describes; the tracker uses it to build the
// wait-for graph ("blocked pushing to", "blocked popping from", ...).
enum class wait_kind : std::uint8_t {
  channel_push,
  channel_pop,
  channel_select,
  semaphore_acquire,
  wait_group_wait,
  context_wait,
  rate_limiter_wait,
  sleep,
  other,
};

// One in-flight blocking operation. All pointers are to static strings or to
// storage that outlives the wait.
struct wait_record {
  wait_kind kind = wait_kind::other;
  const char* operation = "";    // e.g. "channel::push"
  const char* object_type = "";  // e.g. "channel<int>" (best effort)
  const void* object = nullptr;  // address of the primitive waited on
  const char* object_name = nullptr;  // user-given name, or nullptr
  std::size_t capacity = 0;      // channel capacity / semaphore size, if any
  std::source_location where{};  // the caller's site
  // True when the wait ends by itself at a deadline (push_for, pop_until,
  // try_acquire_for, ...). The tracker never calls a timed wait a definite
  // leak or a deadlock. Added after the first version; defaults to false.
  bool timed = false;
};

// Function table the runtime installs. Every entry may be null.
struct tracker_hooks {
  void (*block_begin)(const wait_record&) noexcept = nullptr;
  void (*block_end)(const wait_record&) noexcept = nullptr;
  // A permit-holding primitive changed how many permits the calling thread
  // holds: delta > 0 on acquire, < 0 on release.
  void (*permits)(const void* object, const char* object_type,
                  std::ptrdiff_t delta, std::source_location where) noexcept =
      nullptr;
  // A tracked thread (leakguard::go) starts running / is about to exit.
  void (*thread_begin)(const char* name, std::source_location started_at) noexcept =
      nullptr;
  void (*thread_end)() noexcept = nullptr;
  // A primitive that threads may wait on is being destroyed.
  void (*object_destroyed)(const void* object) noexcept = nullptr;
  // The calling thread starts (on = true) / stops creating a thread that
  // belongs to the library itself (the shared deadline timer). The tracker
  // leaves such threads out of reports unless default ignores are off.
  void (*creating_library_thread)(bool on) noexcept = nullptr;
};

inline std::atomic<const tracker_hooks*> installed_hooks{nullptr};

inline const tracker_hooks* hooks() noexcept {
  if constexpr (LEAKGUARD_NO_TRACKING) {
    return nullptr;
  } else {
    return installed_hooks.load(std::memory_order_acquire);
  }
}

// RAII marker for "this thread is now blocked in RECORD".
class blocking_scope {
 public:
  explicit blocking_scope(const wait_record& record) noexcept
      : record_(record) {
    if (const tracker_hooks* h = hooks(); h && h->block_begin) {
      active_ = h;
      h->block_begin(record_);
    }
  }
  blocking_scope(const blocking_scope&) = delete;
  blocking_scope& operator=(const blocking_scope&) = delete;
  ~blocking_scope() {
    if (active_ && active_->block_end) active_->block_end(record_);
  }

 private:
  const wait_record& record_;
  const tracker_hooks* active_ = nullptr;
};

inline void note_permits(const void* object, const char* object_type,
                         std::ptrdiff_t delta,
                         std::source_location where) noexcept {
  if (const tracker_hooks* h = hooks(); h && h->permits)
    h->permits(object, object_type, delta, where);
}

// RAII: threads the calling thread creates while this lives are the
// library's own (see tracker_hooks::creating_library_thread).
class library_thread_creation {
 public:
  library_thread_creation() noexcept {
    if (const tracker_hooks* h = hooks(); h && h->creating_library_thread) {
      active_ = h;
      h->creating_library_thread(true);
    }
  }
  library_thread_creation(const library_thread_creation&) = delete;
  library_thread_creation& operator=(const library_thread_creation&) = delete;
  ~library_thread_creation() {
    if (active_) active_->creating_library_thread(false);
  }

 private:
  const tracker_hooks* active_ = nullptr;
};

inline void note_destroyed(const void* object) noexcept {
  if (const tracker_hooks* h = hooks(); h && h->object_destroyed)
    h->object_destroyed(object);
}

}  // namespace leakguard::detail
