// leakguard/detail/slot_ring.hpp - the buffer of a buffered channel: a
// bounded multi-producer multi-consumer ring that never takes a lock.
//
// The design is Dmitry Vyukov's bounded MPMC queue: every slot carries a
// stamp that says whose turn it is, producers claim positions by CAS on
// `tail`, consumers by CAS on `head`, and a claimed slot is published by one
// release store of its stamp. Two additions make it a channel buffer:
//  * Positions are encoded as lap + index (lap a multiple of `one_lap`, the
//    power of two above the capacity), so any capacity works without a
//    division on the hot path.
//  * The tail carries the closed flag in its low bit, so close() and a
//    producer's claim are ordered by the same word: once close() has set the
//    bit no push can succeed, and every push that succeeded before is
//    drained by consumers before they see `closed`.
//
// Stamps, for the slot at position pos:
//   stamp == pos       free: the producer that claims pos may write it
//   stamp == pos + 1   full: the consumer that claims pos may read it
// A consumer leaves stamp = pos + one_lap (free for the next lap).
//
// Memory order contract (what lets channel.hpp park without lost wake-ups):
// the claiming CAS of try_push/try_pop is seq_cst, and the "full"/"empty"
// verdicts are based on seq_cst loads of the opposite index. A thread that
// announces itself as a waiter with a seq_cst store and then calls
// try_push/try_pop/ready_* therefore either sees the other side's claim, or
// the other side's seq_cst load after its claim sees the announcement.
//
// None of the functions block. They spin only while another thread is
// between its claim and its stamp store (a handful of instructions), or
// while a racing thread moved the index under them.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <utility>

#include "leakguard/detail/futex.hpp"

namespace leakguard::detail {

enum class ring_outcome : std::uint8_t { done, full_or_empty, closed };

template <class T>
class slot_ring {
 public:
  // capacity must be at least 1.
  explicit slot_ring(std::size_t capacity)
      : cap_(capacity),
        one_lap_(std::bit_ceil(static_cast<std::uint64_t>(capacity) + 1)),
        slots_(static_cast<slot*>(::operator new(sizeof(slot) * capacity,
                                                 std::align_val_t{alignof(slot)}))) {
    for (std::size_t i = 0; i < cap_; ++i) std::construct_at(&slots_[i], i);
  }
  slot_ring(const slot_ring&) = delete;
  slot_ring& operator=(const slot_ring&) = delete;

  // Destroys the values still buffered. No thread may use the ring any more.
  ~slot_ring() {
    const std::uint64_t end = tail_.load(std::memory_order_relaxed) >> 1;
    for (std::uint64_t pos = head_.load(std::memory_order_relaxed); pos != end;
         pos = next(pos))
      std::destroy_at(slots_[index(pos)].value());
    for (std::size_t i = 0; i < cap_; ++i) std::destroy_at(&slots_[i]);
    ::operator delete(slots_, std::align_val_t{alignof(slot)});
  }

  // Moves `v` into the ring (done), or leaves it untouched because the ring
  // is full (full_or_empty) or closed (closed).
  // `exact` = false lets a caller that will look again anyway skip reading
  // the other side's index: the slot's stamp alone then decides, and a slot
  // whose consumer claimed it but has not released it yet counts as full
  // (the pop has not finished). Saves a cache-line transfer per full/empty
  // verdict, and one more when the other side next writes its index.
  ring_outcome try_push(T& v, bool exact = true) noexcept {
    unsigned spins = 0;
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    for (;;) {
      if (tail & closed_bit) return ring_outcome::closed;
      const std::uint64_t pos = tail >> 1;
      slot& s = slots_[index(pos)];
      const std::uint64_t stamp = s.stamp.load(std::memory_order_acquire);
      if (stamp == pos) {
        if (tail_.compare_exchange_weak(tail, next(pos) << 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
          ::new (s.raw()) T(std::move(v));
          s.stamp.store(pos + 1, std::memory_order_release);
          return ring_outcome::done;
        }
        continue;  // `tail` was reloaded by the failed CAS
      }
      if (stamp + one_lap_ == pos + 1) {  // still holds the previous lap's value
        if (!exact || head_.load(std::memory_order_seq_cst) + one_lap_ == pos)
          return ring_outcome::full_or_empty;
      }
      // A consumer is between claim and release, or `tail` is stale.
      wait_for_peer(spins);
      tail = tail_.load(std::memory_order_relaxed);
    }
  }

  // Moves the oldest value into `dst` (done), or reports the ring empty
  // (full_or_empty) or closed and drained (closed).
  // `exact` = false, as for try_push: an unwritten slot counts as empty
  // without reading the tail - so it is never reported closed (the closed
  // bit lives in the tail); an exact call tells.
  ring_outcome try_pop(std::optional<T>& dst, bool exact = true) noexcept {
    unsigned spins = 0;
    std::uint64_t head = head_.load(std::memory_order_relaxed);
    for (;;) {
      slot& s = slots_[index(head)];
      const std::uint64_t stamp = s.stamp.load(std::memory_order_acquire);
      if (stamp == head + 1) {
        if (head_.compare_exchange_weak(head, next(head), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
          T* p = s.value();
          dst.emplace(std::move(*p));
          std::destroy_at(p);
          s.stamp.store(head + one_lap_, std::memory_order_release);
          return ring_outcome::done;
        }
        continue;
      }
      if (stamp == head) {  // not written in this lap yet
        if (!exact) return ring_outcome::full_or_empty;
        const std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
        if ((tail >> 1) == head)
          return (tail & closed_bit) ? ring_outcome::closed : ring_outcome::full_or_empty;
      }
      // A producer is between claim and publication, or `head` is stale.
      wait_for_peer(spins);
      head = head_.load(std::memory_order_relaxed);
    }
  }

  // Sets the closed bit. Returns false if it was set already.
  bool close() noexcept {
    return !(tail_.fetch_or(closed_bit, std::memory_order_seq_cst) & closed_bit);
  }
  bool closed() const noexcept {
    return tail_.load(std::memory_order_seq_cst) & closed_bit;
  }

  // Racy readiness peeks (seq_cst, see the contract above): would try_push /
  // try_pop do something other than report full / empty right now?
  bool ready_to_push() const noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
    if (tail & closed_bit) return true;
    return head_.load(std::memory_order_seq_cst) + one_lap_ != (tail >> 1);
  }
  bool ready_to_pop() const noexcept {
    const std::uint64_t head = head_.load(std::memory_order_seq_cst);
    const std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
    return (tail >> 1) != head || (tail & closed_bit);
  }

  // Cheap hints for a spinning caller, reading only the lines its own side
  // writes anyway: has the slot at the next position changed its turn (or
  // the ring been closed, for producers)? A true hint is not a promise;
  // try_push / try_pop decide.
  bool push_hint() const noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t pos = tail >> 1;
    return (tail & closed_bit) ||
           slots_[index(pos)].stamp.load(std::memory_order_relaxed) == pos;
  }
  bool pop_hint() const noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return slots_[index(head)].stamp.load(std::memory_order_relaxed) == head + 1;
  }

  // Number of values buffered (a snapshot; exact when nothing runs).
  std::size_t size() const noexcept {
    for (;;) {
      const std::uint64_t tail = tail_.load(std::memory_order_seq_cst);
      const std::uint64_t head = head_.load(std::memory_order_seq_cst);
      if (tail_.load(std::memory_order_seq_cst) != tail) continue;
      const std::uint64_t t = tail >> 1;
      const std::uint64_t hi = index(head), ti = index(t);
      if (hi < ti) return static_cast<std::size_t>(ti - hi);
      if (hi > ti) return static_cast<std::size_t>(cap_ - hi + ti);
      return t == head ? 0 : cap_;
    }
  }
  std::size_t capacity() const noexcept { return cap_; }

 private:
  static constexpr std::uint64_t closed_bit = 1;

  struct slot {
    explicit slot(std::uint64_t s) noexcept : stamp(s) {}
    void* raw() noexcept { return storage; }
    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
    std::atomic<std::uint64_t> stamp;
    alignas(T) unsigned char storage[sizeof(T)];
  };

  // The other side holds the slot we need for a few instructions between its
  // claim and its stamp store - unless it was preempted right there. With
  // more threads than cores that happens often enough to matter, and spinning
  // on would keep the preempted thread off this core for a whole time slice:
  // after a short spin, give the core up.
  static void wait_for_peer(unsigned& spins) noexcept {
    if (++spins < peer_spins)
      spin_pause();
    else
      std::this_thread::yield();
  }
  static constexpr unsigned peer_spins = 64;

  std::uint64_t index(std::uint64_t pos) const noexcept { return pos & (one_lap_ - 1); }
  std::uint64_t next(std::uint64_t pos) const noexcept {
    return index(pos) + 1 < cap_ ? pos + 1 : (pos & ~(one_lap_ - 1)) + one_lap_;
  }

  // Read-only after construction; on a line of its own so that the writes to
  // head_ and tail_ do not invalidate it.
  alignas(cache_line) const std::size_t cap_;
  const std::uint64_t one_lap_;
  slot* const slots_;
  alignas(cache_line) std::atomic<std::uint64_t> head_{0};  // next position to pop
  alignas(cache_line) std::atomic<std::uint64_t> tail_{0};  // next position to push << 1 | closed
};

}  // namespace leakguard::detail
