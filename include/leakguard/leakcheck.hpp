// leakguard/leakcheck.hpp - the runtime leak tracker's public API.
//
// The tracker lives in a small shared library (libleakguard_runtime.so) that
// every target linking leakguard::leakguard gets. It sees every thread the
// process creates (pthread_create is interposed), every blocking leakguard
// operation in flight (detail/tracking.hpp), and permits still held. A test
// asks it at the end: "is anything still running that this test started?"
//
//   leakguard::verify_none();                       // throws leak_error
//   auto r = leakguard::find_leaks(leakguard::ignore_current());
//   leakguard::dump(std::cerr);                     // goroutine-dump style
//
// GoogleTest glue is in <leakguard/leakcheck/gtest.hpp>.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <leakguard/detail/tracking.hpp>

namespace leakguard {

// ---------------------------------------------------------------- results --

// definite: the thread can never finish on its own (blocked on a leakguard
//   primitive that no thread still running outside the blocked set can
//   complete), or a permit is still held. possible: still running after the
//   wait; it may finish later, but the test did not wait for it.
enum class leak_kind { definite, possible };

struct stack_frame {
  std::uintptr_t pc = 0;
  std::string function;  // demangled, or "??"
  std::string file;      // full path from DWARF, or "" when unknown
  unsigned line = 0;
  std::string module;    // shared object / executable path
};

// What a thread is blocked on (a detail::wait_record, copied).
struct wait_info {
  detail::wait_kind kind = detail::wait_kind::other;
  std::string operation;    // "channel<int>::push"
  std::string object_type;  // "channel<int>"
  std::string object_name;  // user-given name, may be empty
  std::uintptr_t object = 0;
  std::size_t capacity = 0;
  std::string file;         // caller's site
  unsigned line = 0;
  std::string function;
  std::chrono::nanoseconds blocked_for{0};
};

// Permits of one semaphore still held, with where they were acquired.
struct permit_info {
  std::uintptr_t object = 0;
  std::string object_type;
  std::ptrdiff_t count = 0;
  std::string file;
  unsigned line = 0;
  std::string function;
  std::uint64_t thread_id = 0;   // registry id of the acquiring thread (0 = unknown)
  std::string thread_name;
  std::string test;              // test running when it was acquired
  bool object_destroyed = false; // semaphore destroyed while still held
};

struct thread_leak {
  leak_kind kind = leak_kind::possible;
  std::string reason;            // one line: why definite / possible
  std::uint64_t id = 0;          // registry id (never reused); 0 = seen only in /proc
  int tid = 0;                   // kernel thread id
  std::string name;              // leakguard::go name, else the kernel thread name
  bool tracked = false;          // started with leakguard::go
  // Where it was started: go()'s call site, or the first user frame of the
  // creation stack for a raw std::thread/pthread.
  std::string started_file;
  unsigned started_line = 0;
  std::string started_function;
  std::string parent_name;
  int parent_tid = 0;
  std::string started_in_test;   // test running when it was created ("" = none)
  std::string checked_in;        // test/suite whose end found it ("" = none)
  std::optional<wait_info> blocked_on;
  std::vector<permit_info> permits;          // permits this thread acquired and holds
  std::vector<stack_frame> stack;            // captured when the leak was found
  std::vector<stack_frame> creation_stack;   // captured in pthread_create
};

struct leak_report {
  std::vector<thread_leak> threads;
  std::vector<permit_info> permits;          // all permits still held (any thread)
  std::vector<std::string> notes;            // e.g. "channel destroyed while waited on"
  bool deadlock = false;                     // all threads are asleep
  std::chrono::nanoseconds waited{0};        // how long find_leaks waited
  std::string checked_in;                    // "test A.B" / "suite A" / ""

  bool empty() const noexcept { return threads.empty() && permits.empty() && notes.empty(); }
  std::size_t size() const noexcept { return threads.size() + permits.size() + notes.size(); }
  auto begin() const noexcept { return threads.begin(); }
  auto end() const noexcept { return threads.end(); }
  std::size_t definite_count() const noexcept;
  std::size_t possible_count() const noexcept;

  std::string text() const;  // goroutine-dump style, for people
  std::string json() const;  // for tools (the CLI matches by source location)
  std::string dot() const;   // Graphviz wait-for graph
};

class leak_error : public std::runtime_error {
 public:
  explicit leak_error(leak_report r);
  const leak_report& report() const noexcept { return report_; }

 private:
  leak_report report_;
};

// ---------------------------------------------------------------- options --

// Default for leak_options::max_wait: long enough for threads that are just
// finishing (a join racing the check), short enough to fail a leaking test
// fast. Overridable per call and by the environment variable
// LEAKGUARD_MAX_WAIT_MS.
inline constexpr std::chrono::milliseconds default_max_wait{250};

// Chainable: leakguard::ignore_current().ignore_thread_name("pool-*").
class leak_options {
 public:
  leak_options();

  // Ignore every thread alive now, and every permit held now.
  leak_options& ignore_current();
  // Exact name, or a prefix when it ends in '*'.
  leak_options& ignore_thread_name(std::string name);
  // Ignore a thread whose innermost user frame (outside libc, libstdc++ and
  // leakguard itself), blocked-on site or start routine is this function
  // (demangled, prefix match).
  leak_options& ignore_top_function(std::string function);
  // Ignore a thread with this function anywhere in its stack (substring).
  leak_options& ignore_any_function(std::string function);
  // How long to wait for candidate threads to exit. Waiting is on their exit
  // (no fixed sleeps for threads the runtime saw being created); definite
  // leaks stop the wait early.
  leak_options& max_wait(std::chrono::nanoseconds d);
  // Whether held permits count as leaks (default true).
  leak_options& check_permits(bool on);
  // Capture and symbolize stacks of leaked threads (default true).
  leak_options& capture_stacks(bool on);
  // Drop the default ignore list (sanitizer runtimes, gtest, oneTBB, ...).
  leak_options& no_default_ignores();
  // Label for the report: "when test NAME ended".
  leak_options& checked_in(std::string label);

  // Inspectors (used by the runtime).
  std::chrono::nanoseconds wait() const noexcept { return max_wait_; }
  const std::vector<std::string>& thread_names() const noexcept { return names_; }
  const std::vector<std::string>& top_functions() const noexcept { return top_; }
  const std::vector<std::string>& any_functions() const noexcept { return any_; }
  const std::set<std::uint64_t>& ignored_ids() const noexcept { return ids_; }
  const std::set<int>& ignored_tids() const noexcept { return tids_; }
  const std::set<std::uint64_t>& ignored_permits() const noexcept { return permit_ids_; }
  bool permits_checked() const noexcept { return permits_; }
  bool stacks_captured() const noexcept { return stacks_; }
  bool default_ignores() const noexcept { return defaults_; }
  const std::string& label() const noexcept { return label_; }

 private:
  std::chrono::nanoseconds max_wait_;
  std::vector<std::string> names_, top_, any_;
  std::set<std::uint64_t> ids_;        // registry ids
  std::set<int> tids_;                 // threads seen only in /proc
  std::set<std::uint64_t> permit_ids_; // permit acquisitions
  bool permits_ = true, stacks_ = true, defaults_ = true;
  std::string label_;
};
using options = leak_options;

// Free-function spellings, goleak style: verify_none(ignore_current()).
leak_options ignore_current();
leak_options ignore_thread_name(std::string name);
leak_options ignore_top_function(std::string function);
leak_options ignore_any_function(std::string function);
leak_options max_wait(std::chrono::nanoseconds d);

// ----------------------------------------------------------------- checks --

// Waits up to options.wait() for candidate threads to finish, then returns
// what is left. Never throws on leaks.
leak_report find_leaks(const leak_options& opts = {});
// find_leaks, and throws leak_error (what() = report.text()) if not empty.
void verify_none(const leak_options& opts = {});

// A live goroutine-style dump of every thread the process has, what it is
// blocked on, and its stack.
void dump(std::ostream& out);
// Opt-in: SIGQUIT (or SIG) prints dump() to stderr (from a helper thread, not
// from the handler). Idempotent.
void install_dump_signal(int sig = SIGQUIT);

// Opt-in watchdog: when every live thread of the process has been blocked on
// leakguard primitives for at least THRESHOLD and none can complete, calls
// ON_DEADLOCK with the report; the default prints
// "all threads are asleep - deadlock!" and the graph to stderr and exits 2.
void start_deadlock_watchdog(std::chrono::milliseconds threshold = std::chrono::seconds(1),
                             std::function<void(const leak_report&)> on_deadlock = {});
void stop_deadlock_watchdog();
// One deadlock check now (what the watchdog runs); empty report = no deadlock.
leak_report check_deadlock(std::chrono::nanoseconds threshold = {});

// Per-test attribution: the name of the test now running ("" = none).
// The GoogleTest listener sets it; other harnesses may too.
void set_current_test(std::string name);
std::string current_test();

struct runtime_status {
  bool loaded = false;           // the compiled runtime is linked in
  bool interposing = false;      // pthread_create interposition sees creations
  bool creation_sites = false;   // creation stacks/parents are recorded
  const char* mode = "";         // "full", "sanitizer-passthrough", "absent"
  bool stacks = false;           // on-demand stack capture available
};
runtime_status status();

}  // namespace leakguard
