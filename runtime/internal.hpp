// runtime/internal.hpp - shared between the runtime's translation units only.
//
// Ownership and locking (the whole contract of the registry):
//  * registry::mu guards `live` (membership), `notes` and `exits`; a
//    thread_record is deleted only with registry::mu held, so a reader that
//    holds registry::mu may touch any record in `live`.
//  * thread_record::mu guards the record's mutable fields (waits, name, ...);
//    the owning thread takes only its own record's mu on the hot path
//    (block_begin/block_end), never registry::mu.
//  * registry::permit_mu guards `permits`.
//  Lock order: registry::mu -> thread_record::mu; permit_mu is a leaf.
#pragma once

#include <leakguard/leakcheck.hpp>

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <source_location>
#include <string>
#include <unordered_map>
#include <vector>

namespace leakguard::rt {

using clock = std::chrono::steady_clock;

struct active_wait {
  const detail::wait_record* record;
  clock::time_point since;
};

struct thread_record {
  std::uint64_t id = 0;            // never reused
  std::atomic<int> tid{0};         // set by the thread itself
  std::mutex mu;
  std::vector<active_wait> waits;  // innermost last
  std::string name;                // go() name, or "" (use the kernel name)
  bool tracked = false;            // leakguard::go
  bool finished = false;           // thread_end ran: the callable returned
  bool internal = false;           // the runtime's own helper threads
  bool library = false;            // the header library's own (deadline timer)
  bool adopted = false;            // not seen in pthread_create
  std::source_location go_site{};
  // Set at creation (immutable afterwards).
  std::vector<void*> creation_pcs;
  void* start_routine = nullptr;
  std::uint64_t parent_id = 0;
  int parent_tid = 0;
  std::string parent_name;
  std::string test;                // test running at creation
};

struct permit_entry {
  std::uint64_t serial = 0;
  const void* object = nullptr;
  const char* object_type = "";
  std::ptrdiff_t count = 0;
  std::source_location where{};
  std::uint64_t thread_id = 0;
  std::string thread_name;
  std::string test;
  bool destroyed = false;
};

// Creation facts for threads whose start the runtime could not wrap
// (sanitizer pass-through mode), keyed by kernel tid.
struct creation_info {
  std::vector<void*> pcs;
  void* start_routine = nullptr;
  std::uint64_t parent_id = 0;
  int parent_tid = 0;
  std::string parent_name;
  std::string test;
  bool internal = false;
  bool library = false;
};

struct registry {
  std::mutex mu;
  std::condition_variable cv;  // notified on every thread end/exit
  std::map<std::uint64_t, thread_record*> live;
  std::vector<std::string> notes;  // findings waiting for the next report
  std::atomic<std::uint64_t> next_id{1};
  std::uint64_t exits = 0;         // bumped on every end/exit (under mu)
  // Checks waiting in find_leaks: while non-zero, a thread starting to block
  // also bumps `exits` (a new blocked thread may make a leak definite).
  std::atomic<int> checkers{0};
  pthread_key_t key{};

  std::mutex test_mu;
  std::string test;

  std::mutex permit_mu;
  std::vector<permit_entry> permits;
  std::uint64_t next_permit = 1;

  std::mutex creation_mu;  // pass-through mode only
  std::unordered_map<int, creation_info> creations;
};

registry& reg();
// The calling thread's record, adopting the thread if the runtime has not
// seen it yet. Never null (except during process teardown).
thread_record* self();
std::string kernel_thread_name(int tid);
std::string current_test_name();
bool interposing();
bool passthrough();
bool stacks_available();

// A copy of one thread's state, safe to read without locks.
struct thread_view {
  std::uint64_t id = 0;  // 0: seen only in /proc/self/task
  int tid = 0;
  std::string name;
  bool tracked = false, finished = false, internal = false, library = false, adopted = false;
  std::source_location go_site{};
  bool has_go_site = false;
  std::vector<void*> creation_pcs;
  void* start_routine = nullptr;
  std::uint64_t parent_id = 0;
  int parent_tid = 0;
  std::string parent_name;
  std::string test;
  std::optional<wait_info> wait;  // innermost wait
  detail::wait_kind wait_kind = detail::wait_kind::other;
  bool wait_timed = false;
  clock::time_point wait_since{};
};

// Blocked in a leakguard wait that ends by itself: a timed wait (a deadline,
// or a context that has one), a sleep or a rate limiter. Such a thread is
// never a definite leak and never part of a deadlock.
bool blocked_but_wakes_by_itself(const thread_view& v);

// Every thread of the process except the caller: registry first, then
// /proc/self/task for threads the registry does not know.
std::vector<thread_view> snapshot(bool include_self = false);
std::vector<permit_entry> permit_snapshot();
std::vector<std::string> take_notes();

// Stack capture: signal TID, unwind in its handler, wait at most TIMEOUT.
// Returns raw PCs (handler frames trimmed later by symbolize).
bool capture_stack(int tid, std::vector<void*>& pcs, pthread_t* handle_out,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(300));
// Symbolizes with libdw; drops the runtime's own frames at the top.
std::vector<stack_frame> symbolize(const std::vector<void*>& pcs, bool from_signal);
// Creation facts for a kernel tid (pass-through mode), if recorded.
std::optional<creation_info> creation_for(int tid);
// Whether a frame belongs to the toolchain/runtime rather than user code.
bool is_system_frame(const stack_frame& f);
bool is_runtime_frame(const stack_frame& f);
stack_frame symbolize_one(void* pc);

// Formatting helper shared by reports and dump.
std::string display_operation(const detail::wait_record& r);
wait_info to_wait_info(const detail::wait_record& r, clock::time_point since);

// A report entry for V with what the view says about the thread itself: id,
// tid, name, tracked, parent, test and innermost wait. Where it was started,
// why it is reported and its stacks are left to the caller.
thread_leak leak_from_view(const thread_view& v);

// The public form of one held-permit record (reports, the dump).
permit_info permit_from_entry(const permit_entry& p);

// Fills L's creation stack (symbolized) and where the thread was started:
// the go() call site for tracked threads, else the innermost user frame of
// the creation stack. Shared by leak reports and the deadlock check.
void fill_started_site(thread_leak& l, const thread_view& v);

// Every thread of the program proper (the caller included): no runtime
// helpers, no default-ignored threads (sanitizer helpers, known pools), no
// thread whose callable already returned.
std::vector<thread_view> program_threads();

// LEAKGUARD_DEBUG=1: the runtime explains stack-capture failures on stderr.
inline bool debug_enabled() {
  static const bool on = [] {
    const char* e = std::getenv("LEAKGUARD_DEBUG");
    return e && *e == '1';
  }();
  return on;
}

// Watchdog and dump helper threads mark themselves internal.
void mark_internal();
// Starts a detached runtime helper thread, internal from its first instant.
void start_internal_thread(void (*fn)());

}  // namespace leakguard::rt
