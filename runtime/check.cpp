// runtime/check.cpp - find_leaks / verify_none: which threads count, how long
// to wait for them, and what is definite.
#include "internal.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <thread>

namespace leakguard {

// ---------------------------------------------------------------- options --

namespace {
std::chrono::nanoseconds env_max_wait() {
  if (const char* e = std::getenv("LEAKGUARD_MAX_WAIT_MS"); e && *e)
    return std::chrono::milliseconds(std::atoll(e));
  return default_max_wait;
}
}  // namespace

leak_options::leak_options() : max_wait_(env_max_wait()) {}

leak_options& leak_options::ignore_current() {
  for (const rt::thread_view& v : rt::snapshot(true)) {
    if (v.id) ids_.insert(v.id);
    else tids_.insert(v.tid);
  }
  for (const rt::permit_entry& p : rt::permit_snapshot()) permit_ids_.insert(p.serial);
  return *this;
}
leak_options& leak_options::ignore_thread_name(std::string n) {
  names_.push_back(std::move(n));
  return *this;
}
leak_options& leak_options::ignore_top_function(std::string f) {
  top_.push_back(std::move(f));
  return *this;
}
leak_options& leak_options::ignore_any_function(std::string f) {
  any_.push_back(std::move(f));
  return *this;
}
leak_options& leak_options::max_wait(std::chrono::nanoseconds d) {
  max_wait_ = d < std::chrono::nanoseconds::zero() ? std::chrono::nanoseconds::zero() : d;
  return *this;
}
leak_options& leak_options::check_permits(bool on) {
  permits_ = on;
  return *this;
}
leak_options& leak_options::capture_stacks(bool on) {
  stacks_ = on;
  return *this;
}
leak_options& leak_options::no_default_ignores() {
  defaults_ = false;
  return *this;
}
leak_options& leak_options::checked_in(std::string label) {
  label_ = std::move(label);
  return *this;
}

leak_options ignore_current() { return leak_options{}.ignore_current(); }
leak_options ignore_thread_name(std::string n) { return leak_options{}.ignore_thread_name(std::move(n)); }
leak_options ignore_top_function(std::string f) { return leak_options{}.ignore_top_function(std::move(f)); }
leak_options ignore_any_function(std::string f) { return leak_options{}.ignore_any_function(std::move(f)); }
leak_options max_wait(std::chrono::nanoseconds d) { return leak_options{}.max_wait(d); }

std::size_t leak_report::definite_count() const noexcept {
  std::size_t n = permits.size() + notes.size();
  for (const auto& t : threads) n += t.kind == leak_kind::definite;
  return n;
}
std::size_t leak_report::possible_count() const noexcept {
  std::size_t n = 0;
  for (const auto& t : threads) n += t.kind == leak_kind::possible;
  return n;
}

leak_error::leak_error(leak_report r) : std::runtime_error(r.text()), report_(std::move(r)) {}

void set_current_test(std::string name) {
  rt::registry& r = rt::reg();
  std::lock_guard lk(r.test_mu);
  r.test = std::move(name);
}
std::string current_test() { return rt::current_test_name(); }

runtime_status status() {
  runtime_status s;
  s.loaded = true;
  s.interposing = rt::interposing();
  s.creation_sites = s.interposing;
  s.mode = rt::passthrough() ? "sanitizer-passthrough" : "full";
  s.stacks = rt::stacks_available();
  return s;
}

namespace rt {

permit_info permit_from_entry(const permit_entry& p) {
  permit_info pi;
  pi.object = reinterpret_cast<std::uintptr_t>(p.object);
  pi.object_type = p.object_type;
  pi.count = p.count;
  pi.file = p.where.file_name();
  pi.line = p.where.line();
  pi.function = p.where.function_name();
  pi.thread_id = p.thread_id;
  pi.thread_name = p.thread_name;
  pi.test = p.test;
  pi.object_destroyed = p.destroyed;
  return pi;
}

thread_leak leak_from_view(const thread_view& v) {
  thread_leak l;
  l.id = v.id;
  l.tid = v.tid;
  l.name = v.name;
  l.tracked = v.tracked;
  l.parent_name = v.parent_name;
  l.parent_tid = v.parent_tid;
  l.started_in_test = v.test;
  l.blocked_on = v.wait;
  return l;
}

namespace {

using std::chrono::nanoseconds;

// Threads a test does not own: sanitizer runtimes' helpers and known pools.
// Matched against the frame that called pthread_create.
const char* const kDefaultCreators[] = {
    "__sanitizer::", "__tsan::", "__asan::", "__lsan::", "__ubsan::", "__msan::",
    "tbb::detail::r1::rml::", "tbb::internal::rml::", "testing::internal::",
};
// By name: GLib's helpers. The header library's shared deadline timer is
// ignored by its creation mark (thread_view::library): it runs while any
// context deadline is pending and ends by itself, and a pending deadline is
// not a leaked thread (Go's runtime timers are not goroutines either).
const char* const kDefaultNames[] = {"gdbus", "gmain", "pool-spawner"};

bool name_matches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*')
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == name;
}

// The function that called pthread_create for this thread. Cheap first
// (dladdr: exported symbols only); the DWARF symbolizer, whose first use
// loads debug info, only for a caller dladdr cannot name and only in
// pass-through mode, where sanitizer helpers linked into the executable
// create threads.
stack_frame creator(const thread_view& v) {
  for (void* pc : v.creation_pcs) {
    void* at = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(pc) - 1);
    stack_frame f;
    f.pc = reinterpret_cast<std::uintptr_t>(at);
    Dl_info info{};
    if (dladdr(at, &info)) {
      if (info.dli_fname) f.module = info.dli_fname;
      if (info.dli_sname) {
        int st = 0;
        char* d = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &st);
        f.function = st == 0 && d ? d : info.dli_sname;
        std::free(d);
      }
    }
    if (is_runtime_frame(f)) continue;
    if (f.function.empty() && passthrough()) f = symbolize_one(at);
    return f;
  }
  return {};
}

bool default_ignored(const thread_view& v) {
  if (v.library) return true;
  for (const char* n : kDefaultNames)
    if (v.name == n) return true;
  if (v.creation_pcs.empty()) return false;
  std::string fn = creator(v).function;
  for (const char* p : kDefaultCreators)
    if (fn.rfind(p, 0) == 0) return true;
  return false;
}

// The innermost frame that is the user's own code.
const stack_frame* top_user_frame(const std::vector<stack_frame>& st) {
  for (const stack_frame& f : st)
    if (!is_system_frame(f)) return &f;
  return nullptr;
}

struct candidate_set {
  std::vector<thread_view> leaks;   // not ignored
  std::vector<thread_view> actors;  // every thread that could still act
};

struct checker {
  const leak_options& opts;
  int me_tid = static_cast<int>(::gettid());
  int main_tid = static_cast<int>(::getpid());
  std::map<std::uint64_t, bool> fn_ignored_ids;  // decided once per call
  std::map<int, bool> fn_ignored_tids;
  std::map<std::uint64_t, bool> default_ids;
  std::map<int, bool> default_tids;

  bool is_default(const thread_view& v) {
    if (!opts.default_ignores()) return false;
    if (v.id) {
      auto [it, fresh] = default_ids.try_emplace(v.id, false);
      if (fresh) it->second = default_ignored(v);
      return it->second;
    }
    auto [it, fresh] = default_tids.try_emplace(v.tid, false);
    if (fresh) it->second = default_ignored(v);
    return it->second;
  }

  bool function_ignored(const thread_view& v, const std::vector<stack_frame>& stack) {
    auto check = [&](const std::string& fn) {
      for (const std::string& p : opts.top_functions())
        if (fn.rfind(p, 0) == 0) return true;
      return false;
    };
    if (const stack_frame* f = top_user_frame(stack); f && check(f->function)) return true;
    if (v.wait && check(v.wait->function)) return true;
    if (v.start_routine && check(symbolize_one(v.start_routine).function)) return true;
    for (const std::string& a : opts.any_functions()) {
      for (const stack_frame& f : stack)
        if (f.function.find(a) != std::string::npos) return true;
      if (v.wait && v.wait->function.find(a) != std::string::npos) return true;
    }
    return false;
  }

  bool needs_stack_for_ignore() const {
    return !opts.top_functions().empty() || !opts.any_functions().empty();
  }

  bool fn_ignored(const thread_view& v) {
    if (!needs_stack_for_ignore()) return false;
    if (v.id) {
      if (auto it = fn_ignored_ids.find(v.id); it != fn_ignored_ids.end()) return it->second;
    } else if (auto it = fn_ignored_tids.find(v.tid); it != fn_ignored_tids.end()) {
      return it->second;
    }
    std::vector<void*> pcs;
    std::vector<stack_frame> st;
    if (capture_stack(v.tid, pcs, nullptr)) st = symbolize(pcs, true);
    bool r = function_ignored(v, st);
    if (v.id) fn_ignored_ids[v.id] = r;
    else fn_ignored_tids[v.tid] = r;
    return r;
  }

  candidate_set collect() {
    candidate_set c;
    for (thread_view& v : snapshot(false)) {
      if (v.internal || v.finished || v.tid == me_tid) continue;
      if (is_default(v)) continue;
      bool ignored = v.tid == main_tid || (v.id ? opts.ignored_ids().count(v.id) != 0
                                                : opts.ignored_tids().count(v.tid) != 0);
      for (const std::string& n : opts.thread_names())
        if (name_matches(n, v.name)) ignored = true;
      if (!ignored && fn_ignored(v)) ignored = true;
      c.actors.push_back(v);
      if (!ignored) c.leaks.push_back(std::move(v));
    }
    return c;
  }

  // Definite: blocked on a leakguard primitive that does not wake by itself,
  // while every other thread that could act is itself blocked on leakguard
  // primitives (nobody left to send, receive, release or cancel).
  static bool definite(const thread_view& v, const candidate_set& c) {
    if (!v.wait || blocked_but_wakes_by_itself(v)) return false;
    for (const thread_view& a : c.actors) {
      if (a.tid == v.tid) continue;
      if (!a.wait) return false;
    }
    return true;
  }
};

thread_leak make_leak(const thread_view& v, bool definite_now, bool stacks,
                      const std::string& label, const std::vector<permit_entry>& permits) {
  thread_leak l = leak_from_view(v);
  l.kind = definite_now ? leak_kind::definite : leak_kind::possible;
  l.checked_in = label;
  fill_started_site(l, v);
  if (stacks) {
    std::vector<void*> pcs;
    if (capture_stack(v.tid, pcs, nullptr)) l.stack = symbolize(pcs, true);
  }
  for (const permit_entry& p : permits) {
    if (v.id == 0 || p.thread_id != v.id) continue;
    l.permits.push_back(permit_from_entry(p));
  }
  if (definite_now) {
    l.reason = "blocked in " + v.wait->operation +
               " and no thread that is still running can complete it";
  } else if (v.wait) {
    l.reason = "blocked in " + v.wait->operation + " while other threads still run";
  } else {
    l.reason = "still running after the wait";
  }
  return l;
}

// Loads debug info and symbolizes the candidates' creation stacks on a
// helper thread, so the wait is not delayed by it (the symbolizer caches).
void warm_symbolizer(const std::vector<thread_view>& leaks) {
  static std::mutex mu;
  static std::vector<void*>* pending = new std::vector<void*>;
  static bool busy = false;
  std::lock_guard lk(mu);
  for (const thread_view& v : leaks)
    pending->insert(pending->end(), v.creation_pcs.begin(), v.creation_pcs.end());
  if (busy) return;
  busy = true;
  start_internal_thread([] {
    for (;;) {
      std::vector<void*> pcs;
      {
        std::lock_guard lk2(mu);
        if (pending->empty()) {
          busy = false;
          return;
        }
        pcs.swap(*pending);
      }
      (void)symbolize(pcs, false);
    }
  });
}

}  // namespace

leak_report find_leaks_impl(const leak_options& opts, bool wait) {
  using namespace std::chrono;
  registry& r = reg();
  checker ck{opts};
  const auto start = clock::now();
  const auto deadline = start + (wait ? opts.wait() : nanoseconds::zero());
  // Definite leaks end the wait early once blocked this long (they cannot
  // finish; the grace only absorbs a wake-up already in flight).
  const nanoseconds grace = std::min<nanoseconds>(opts.wait(), milliseconds(25));
  nanoseconds poll = milliseconds(1);
  bool warmed = false;

  struct checking {
    registry& r;
    explicit checking(registry& x) : r(x) { r.checkers.fetch_add(1); }
    ~checking() { r.checkers.fetch_sub(1); }
  } checking_now(r);
  candidate_set c;
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lk(r.mu);
      seen = r.exits;
    }
    c = ck.collect();
    if (c.leaks.empty()) break;
    auto now = clock::now();
    if (now >= deadline) break;
    bool all_definite = true, need_poll = false;
    auto settle = clock::time_point::min();
    for (const thread_view& v : c.leaks) {
      if (!checker::definite(v, c)) all_definite = false;
      else settle = std::max(settle, v.wait_since + grace);
      if (v.id == 0) need_poll = true;  // its exit is not signalled to us
    }
    if (all_definite && now >= settle) break;
    // Candidates that outlive the first few ms will likely be reported: load
    // debug info and symbolize their creation stacks now, inside the wait,
    // rather than after it.
    if (!warmed && now - start > milliseconds(10)) {
      warmed = true;
      warm_symbolizer(c.leaks);
    }
    // Exits and new waits wake this loop at once; the cap only bounds how
    // stale a classification can get.
    auto until = std::min(deadline, now + milliseconds(50));
    if (all_definite) until = std::min(until, settle);
    if (need_poll) {
      until = std::min(until, now + poll);
      poll = std::min<nanoseconds>(poll * 2, milliseconds(20));
    }
    std::unique_lock lk(r.mu);
    r.cv.wait_until(lk, until, [&] { return r.exits != seen; });
  }

  leak_report rep;
  rep.waited = clock::now() - start;
  rep.checked_in = opts.label();
  if (rep.checked_in.empty()) {
    std::string t = current_test_name();
    if (!t.empty()) rep.checked_in = "test " + t;
  }
  std::vector<permit_entry> permits = permit_snapshot();
  bool all_asleep = !c.actors.empty();
  for (const thread_view& a : c.actors)
    if (!a.wait || blocked_but_wakes_by_itself(a)) all_asleep = false;
  for (const thread_view& v : c.leaks) {
    rep.threads.push_back(
        make_leak(v, checker::definite(v, c), opts.stacks_captured(), rep.checked_in, permits));
  }
  rep.deadlock = all_asleep && !rep.threads.empty();
  if (opts.permits_checked()) {
    for (const permit_entry& p : permits) {
      if (opts.ignored_permits().count(p.serial)) continue;
      rep.permits.push_back(permit_from_entry(p));
    }
    // Reported once: a destroyed semaphore's permits cannot be released.
    std::lock_guard lk(r.permit_mu);
    std::erase_if(r.permits, [](const permit_entry& e) { return e.destroyed; });
  }
  rep.notes = take_notes();
  return rep;
}

std::vector<thread_view> program_threads() {
  leak_options defaults;
  checker ck{defaults};
  std::vector<thread_view> out;
  const int main_tid = static_cast<int>(::getpid());
  const int me = static_cast<int>(::gettid());
  for (thread_view& v : snapshot(true)) {
    if (v.internal || v.finished || ck.is_default(v)) continue;
    const bool known = v.id != 0 || !v.creation_pcs.empty() || passthrough() ||
                       v.tid == main_tid || v.tid == me;
    if (!known) continue;  // never seen starting: not one of the program's threads
    out.push_back(std::move(v));
  }
  return out;
}

// (A context wait is timed exactly when the context has a deadline; one
// without waits for somebody's cancel, like a channel waits for a
// counterpart.)
bool blocked_but_wakes_by_itself(const thread_view& v) {
  return v.wait && (v.wait_timed || v.wait_kind == detail::wait_kind::sleep ||
                    v.wait_kind == detail::wait_kind::rate_limiter_wait);
}

void fill_started_site(thread_leak& l, const thread_view& v) {
  if (!v.creation_pcs.empty()) l.creation_stack = symbolize(v.creation_pcs, false);
  if (v.tracked && v.go_site.line() != 0) {
    l.started_file = v.go_site.file_name();
    l.started_line = v.go_site.line();
    l.started_function = v.go_site.function_name();
  } else if (const stack_frame* f = top_user_frame(l.creation_stack)) {
    l.started_file = f->file;
    l.started_line = f->line;
    l.started_function = f->function;
  }
}

}  // namespace rt

leak_report find_leaks(const leak_options& opts) { return rt::find_leaks_impl(opts, true); }

void verify_none(const leak_options& opts) {
  leak_report r = find_leaks(opts);
  if (!r.empty()) throw leak_error(std::move(r));
}

}  // namespace leakguard
