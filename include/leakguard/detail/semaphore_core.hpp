// leakguard/detail/semaphore_core.hpp - the FIFO permit queue behind
// leakguard::semaphore and leakguard::weighted_semaphore.
//
// Follows golang.org/x/sync/semaphore:
//  * Strict FIFO, no barging: a request is granted at once only if enough
//    permits are free AND nobody is queued; release() grants queued requests
//    in order and stops at the first that does not fit, so a large request
//    is never starved by a stream of small ones.
//  * A request larger than the capacity can never be granted: with a stop
//    token or deadline it just waits for that; without one it is an error
//    (std::invalid_argument) instead of a silent eternal block.
//  * A waiter at the head that gives up wakes the requests behind it that
//    now fit (golang/go#37852).
//  * Negative weights are rejected (std::invalid_argument); releasing more
//    than is held throws leakguard::over_release and changes nothing.
//  * Permits are handed to the woken waiter directly (under the lock), and
//    release() touches no semaphore memory after unlocking, so a semaphore
//    used as a one-shot signal may be destroyed right after acquire returns.
#pragma once

#include <cstddef>
#include <mutex>
#include <source_location>
#include <stdexcept>
#include <stop_token>

#include "leakguard/detail/spin_lock.hpp"
#include "leakguard/detail/stop_wait.hpp"
#include "leakguard/detail/tracking.hpp"
#include "leakguard/detail/waiter.hpp"
#include "leakguard/errors.hpp"

namespace leakguard::detail {

class semaphore_core {
 public:
  semaphore_core(std::ptrdiff_t initial, std::ptrdiff_t capacity, const char* type)
      : avail_(initial), cap_(capacity), type_(type) {
    if (capacity < 0 || initial < 0 || initial > capacity)
      throw std::invalid_argument(
          "leakguard semaphore: need 0 <= initial <= capacity");
  }
  semaphore_core(const semaphore_core&) = delete;
  semaphore_core& operator=(const semaphore_core&) = delete;
  ~semaphore_core() { note_destroyed(this); }

  // Blocks until `n` permits are granted (true), `st` fires or the deadline
  // passes (false). `st` may be null.
  bool acquire(std::ptrdiff_t n, const std::stop_token* st, steady_time deadline,
               const std::source_location& where) {
    check_weight(n);
    mu_.lock();
    if (avail_ >= n && queue_.empty()) {
      avail_ -= n;
      mu_.unlock();
      note_permits(this, type_, n, where);
      return true;
    }
    if (n > cap_) {
      mu_.unlock();
      if (!st && deadline == no_deadline)
        throw std::invalid_argument(
            "leakguard semaphore: request exceeds the capacity and can never be granted");
      block_until_stop(st ? *st : std::stop_token{}, deadline,
                       record(where));
      return false;
    }
    if ((st && st->stop_requested()) ||
        (deadline != no_deadline && std::chrono::steady_clock::now() >= deadline)) {
      mu_.unlock();
      return false;
    }
    waiter w;
    wait_node node;
    node.w = &w;
    node.weight = n;
    queue_.push_back(&node);
    mu_.unlock();

    const wait_record rec = record(where);
    const park_result pr = w.park(st, deadline, &rec);
    if (pr != park_result::done) {
      if (w.try_claim()) {
        mu_.lock();
        const bool was_head = queue_.front() == &node;
        if (node.queued) queue_.remove(&node);
        waiter* wake = was_head ? grant_locked() : nullptr;
        mu_.unlock();
        signal_all(wake);
        return false;
      }
      w.park_until_done();  // granted while giving up: keep the permits
    }
    note_permits(this, type_, n, where);
    return true;
  }

  bool try_acquire(std::ptrdiff_t n, const std::source_location& where) {
    check_weight(n);
    mu_.lock();
    if (avail_ >= n && queue_.empty()) {
      avail_ -= n;
      mu_.unlock();
      note_permits(this, type_, n, where);
      return true;
    }
    mu_.unlock();
    return false;
  }

  void release(std::ptrdiff_t n, const std::source_location& where) {
    check_weight(n);
    const char* type = type_;  // no member access after unlock (see above)
    mu_.lock();
    if (avail_ + n > cap_) {
      mu_.unlock();
      throw over_release("leakguard semaphore: released more permits than held");
    }
    avail_ += n;
    waiter* wake = grant_locked();
    mu_.unlock();
    note_permits(this, type, -n, where);
    signal_all(wake);
  }

  std::ptrdiff_t available() const noexcept {
    std::lock_guard lk(mu_);
    return avail_;
  }
  std::ptrdiff_t capacity() const noexcept { return cap_; }

 private:
  static void check_weight(std::ptrdiff_t n) {
    if (n < 0) throw std::invalid_argument("leakguard semaphore: negative weight");
  }

  wait_record record(const std::source_location& where) const noexcept {
    wait_record r;
    r.kind = wait_kind::semaphore_acquire;
    r.operation = "semaphore::acquire";
    r.object_type = type_;
    r.object = this;
    r.capacity = static_cast<std::size_t>(cap_);
    r.where = where;
    return r;
  }

  // With mu_ held: grants queued requests in FIFO order while they fit.
  // Returns the claimed waiters, in order, to signal after unlocking.
  waiter* grant_locked() noexcept {
    waiter* head = nullptr;
    waiter** tail = &head;
    while (wait_node* n = queue_.front()) {
      if (n->weight > avail_) break;  // strict FIFO: nobody passes the head
      queue_.pop_front();
      if (!n->w->try_claim()) continue;  // it is giving up; skip it
      avail_ -= n->weight;
      n->w->next_wake = nullptr;
      *tail = n->w;
      tail = &n->w->next_wake;
    }
    return head;
  }

  static void signal_all(waiter* w) noexcept {
    while (w) {
      waiter* next = w->next_wake;
      w->signal_done();
      w = next;
    }
  }

  mutable spin_lock mu_;
  std::ptrdiff_t avail_;
  const std::ptrdiff_t cap_;
  const char* type_;
  wait_queue queue_;
};

}  // namespace leakguard::detail
