// runtime/format.cpp - reports as text (goroutine-dump style), JSON and DOT;
// the live dump, its signal, and the deadlock watchdog.
#include "internal.hpp"

#include <semaphore.h>
#include <signal.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

namespace leakguard {


namespace {

std::string base_name(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string duration(std::chrono::nanoseconds d) {
  char buf[32];
  double s = std::chrono::duration<double>(d).count();
  if (s >= 0.1) std::snprintf(buf, sizeof buf, "%.1fs", s);
  else std::snprintf(buf, sizeof buf, "%.0fms", s * 1000);
  return buf;
}

std::string hex(std::uintptr_t p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, p);
  return buf;
}

bool is_channel(detail::wait_kind k) {
  return k == detail::wait_kind::channel_push || k == detail::wait_kind::channel_pop ||
         k == detail::wait_kind::channel_select;
}

std::string object_suffix(const wait_info& w) {
  if (is_channel(w.kind)) return " (cap " + std::to_string(w.capacity) + ")";
  if (w.kind == detail::wait_kind::semaphore_acquire && w.capacity)
    return " (of " + std::to_string(w.capacity) + ")";
  return {};
}

const char* edge_label(detail::wait_kind k) {
  switch (k) {
    case detail::wait_kind::channel_push: return "blocked pushing to";
    case detail::wait_kind::channel_pop: return "blocked popping from";
    case detail::wait_kind::channel_select: return "blocked selecting on";
    case detail::wait_kind::semaphore_acquire: return "blocked acquiring";
    case detail::wait_kind::wait_group_wait: return "waiting on";
    case detail::wait_kind::context_wait: return "waiting for cancel of";
    case detail::wait_kind::rate_limiter_wait: return "waiting on";
    case detail::wait_kind::sleep: return "sleeping on";
    case detail::wait_kind::other: break;
  }
  return "blocked on";
}

const char* kind_name(detail::wait_kind k) {
  switch (k) {
    case detail::wait_kind::channel_push: return "channel_push";
    case detail::wait_kind::channel_pop: return "channel_pop";
    case detail::wait_kind::channel_select: return "channel_select";
    case detail::wait_kind::semaphore_acquire: return "semaphore_acquire";
    case detail::wait_kind::wait_group_wait: return "wait_group_wait";
    case detail::wait_kind::context_wait: return "context_wait";
    case detail::wait_kind::rate_limiter_wait: return "rate_limiter_wait";
    case detail::wait_kind::sleep: return "sleep";
    case detail::wait_kind::other: break;
  }
  return "other";
}

// `thread "stage-2" [tid 12] started at pipeline.cpp:41 blocked 2.0s in
//  channel<int>::push (cap 0) at pipeline.cpp:57`
std::string headline(const thread_leak& t) {
  std::string s = "thread \"" + t.name + "\" [tid " + std::to_string(t.tid) + "]";
  if (t.started_line) s += " started at " + base_name(t.started_file) + ":" + std::to_string(t.started_line);
  if (t.blocked_on) {
    const wait_info& w = *t.blocked_on;
    s += " blocked " + duration(w.blocked_for) + " in " + w.operation + object_suffix(w);
    if (w.line) s += " at " + base_name(w.file) + ":" + std::to_string(w.line);
  } else {
    s += " running";
  }
  return s;
}

void frames(std::ostream& o, const std::vector<stack_frame>& st, const char* indent,
            std::size_t max = 24) {
  std::size_t i = 0;
  for (const stack_frame& f : st) {
    if (i == max) {
      o << indent << "... " << (st.size() - max) << " more\n";
      break;
    }
    o << indent << "#" << i++ << " " << f.function;
    if (f.line) o << " at " << f.file << ":" << f.line;
    else if (!f.module.empty()) o << " in " << base_name(f.module);
    o << "\n";
  }
}

std::string permit_line(const permit_info& p) {
  std::string s = std::to_string(p.count) + (p.count == 1 ? " permit" : " permits") + " of " +
                  (p.object_type.empty() ? "semaphore" : p.object_type) + " " + hex(p.object) +
                  " still held, acquired at " + base_name(p.file) + ":" + std::to_string(p.line);
  if (!p.thread_name.empty()) s += " by thread \"" + p.thread_name + "\"";
  if (!p.test.empty()) s += " during test " + p.test;
  if (p.object_destroyed) s += " (the semaphore was destroyed while held)";
  return s;
}

std::string when_ended(const std::string& label) {
  if (label.empty()) return "at the check";
  return "when " + label + " ended";
}

// ---------------------------------------------------------------- JSON --

void jstr(std::ostream& o, const std::string& s) {
  o << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': o << "\\\""; break;
      case '\\': o << "\\\\"; break;
      case '\n': o << "\\n"; break;
      case '\t': o << "\\t"; break;
      case '\r': o << "\\r"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o << b;
        } else {
          o << c;
        }
    }
  }
  o << '"';
}

void jframes(std::ostream& o, const std::vector<stack_frame>& st) {
  o << '[';
  bool first = true;
  for (const stack_frame& f : st) {
    if (!first) o << ',';
    first = false;
    o << "{\"pc\":";
    jstr(o, hex(f.pc));
    o << ",\"function\":";
    jstr(o, f.function);
    o << ",\"file\":";
    jstr(o, f.file);
    o << ",\"line\":" << f.line << ",\"module\":";
    jstr(o, f.module);
    o << '}';
  }
  o << ']';
}

void jpermit(std::ostream& o, const permit_info& p) {
  o << "{\"object\":";
  jstr(o, hex(p.object));
  o << ",\"object_type\":";
  jstr(o, p.object_type);
  o << ",\"count\":" << p.count << ",\"file\":";
  jstr(o, p.file);
  o << ",\"line\":" << p.line << ",\"function\":";
  jstr(o, p.function);
  o << ",\"thread_id\":" << p.thread_id << ",\"thread_name\":";
  jstr(o, p.thread_name);
  o << ",\"test\":";
  jstr(o, p.test);
  o << ",\"object_destroyed\":" << (p.object_destroyed ? "true" : "false") << '}';
}

}  // namespace

std::string leak_report::text() const {
  std::ostringstream o;
  if (empty()) {
    o << "leakguard: no leaks " << when_ended(checked_in) << "\n";
    return o.str();
  }
  o << "leakguard: " << size() << (size() == 1 ? " leak" : " leaks") << " ("
    << definite_count() << " definite, " << possible_count() << " possible) found "
    << when_ended(checked_in) << ", after waiting " << duration(waited)
    << " for threads to finish\n";
  if (deadlock) {
    o << "\nall threads are asleep - deadlock!\n";
  }
  for (const thread_leak& t : threads) {
    o << "\n" << headline(t) << "\n";
    o << "    " << (t.kind == leak_kind::definite ? "definite" : "possible") << " leak: "
      << t.reason << "\n";
    if (t.blocked_on) {
      const wait_info& w = *t.blocked_on;
      o << "    object: " << (w.object_type.empty() ? "?" : w.object_type);
      if (!w.object_name.empty()) o << " \"" << w.object_name << "\"";
      o << " at " << hex(w.object) << "\n";
    }
    o << "    started by ";
    if (t.started_in_test.empty()) o << "no test (outside any test)";
    else o << "test " << t.started_in_test;
    if (!t.parent_name.empty() || t.parent_tid)
      o << " from thread \"" << t.parent_name << "\" [tid " << t.parent_tid << "]";
    o << ", still running " << when_ended(t.checked_in.empty() ? checked_in : t.checked_in)
      << "\n";
    for (const permit_info& p : t.permits) o << "    holds " << permit_line(p) << "\n";
    if (!t.stack.empty()) {
      o << "    stack:\n";
      frames(o, t.stack, "      ");
    }
    if (!t.creation_stack.empty()) {
      o << "    created at:\n";
      frames(o, t.creation_stack, "      ", 12);
    }
  }
  if (!permits.empty()) {
    o << "\npermits still held:\n";
    for (const permit_info& p : permits) o << "    " << permit_line(p) << "\n";
  }
  if (!notes.empty()) {
    o << "\nalso:\n";
    for (const std::string& n : notes) o << "    " << n << "\n";
  }
  if (deadlock) o << "\nwait-for graph (Graphviz):\n" << dot();
  return o.str();
}

std::string leak_report::json() const {
  std::ostringstream o;
  o << "{\"checked_in\":";
  jstr(o, checked_in);
  o << ",\"waited_ns\":" << waited.count() << ",\"deadlock\":" << (deadlock ? "true" : "false")
    << ",\"definite\":" << definite_count() << ",\"possible\":" << possible_count()
    << ",\"threads\":[";
  bool first = true;
  for (const thread_leak& t : threads) {
    if (!first) o << ',';
    first = false;
    o << "{\"kind\":\"" << (t.kind == leak_kind::definite ? "definite" : "possible")
      << "\",\"reason\":";
    jstr(o, t.reason);
    o << ",\"id\":" << t.id << ",\"tid\":" << t.tid << ",\"name\":";
    jstr(o, t.name);
    o << ",\"tracked\":" << (t.tracked ? "true" : "false") << ",\"started_at\":{\"file\":";
    jstr(o, t.started_file);
    o << ",\"line\":" << t.started_line << ",\"function\":";
    jstr(o, t.started_function);
    o << "},\"parent\":{\"name\":";
    jstr(o, t.parent_name);
    o << ",\"tid\":" << t.parent_tid << "},\"started_in_test\":";
    jstr(o, t.started_in_test);
    o << ",\"checked_in\":";
    jstr(o, t.checked_in);
    o << ",\"blocked_on\":";
    if (t.blocked_on) {
      const wait_info& w = *t.blocked_on;
      o << "{\"kind\":\"" << kind_name(w.kind) << "\",\"operation\":";
      jstr(o, w.operation);
      o << ",\"object_type\":";
      jstr(o, w.object_type);
      o << ",\"object_name\":";
      jstr(o, w.object_name);
      o << ",\"object\":";
      jstr(o, hex(w.object));
      o << ",\"capacity\":" << w.capacity << ",\"file\":";
      jstr(o, w.file);
      o << ",\"line\":" << w.line << ",\"function\":";
      jstr(o, w.function);
      o << ",\"blocked_ns\":" << w.blocked_for.count() << '}';
    } else {
      o << "null";
    }
    o << ",\"permits\":[";
    for (std::size_t i = 0; i < t.permits.size(); ++i) {
      if (i) o << ',';
      jpermit(o, t.permits[i]);
    }
    o << "],\"stack\":";
    jframes(o, t.stack);
    o << ",\"creation_stack\":";
    jframes(o, t.creation_stack);
    o << '}';
  }
  o << "],\"permits\":[";
  for (std::size_t i = 0; i < permits.size(); ++i) {
    if (i) o << ',';
    jpermit(o, permits[i]);
  }
  o << "],\"notes\":[";
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (i) o << ',';
    jstr(o, notes[i]);
  }
  o << "]}";
  return o.str();
}

std::string leak_report::dot() const {
  std::ostringstream o;
  auto esc = [](const std::string& s) {
    std::string r;
    for (char c : s) {
      if (c == '"' || c == '\\') r += '\\';
      r += c;
    }
    return r;
  };
  o << "digraph leakguard {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n"
    << "  edge [fontname=\"monospace\", fontsize=9];\n";
  std::set<std::uintptr_t> objects;
  std::set<std::uint64_t> thread_nodes;
  auto object_node = [&](std::uintptr_t obj, const std::string& type, const std::string& name,
                         const std::string& extra) {
    if (!objects.insert(obj).second) return;
    o << "  \"o" << hex(obj) << "\" [shape=ellipse, label=\"" << esc(type.empty() ? "object" : type);
    if (!name.empty()) o << "\\n\\\"" << esc(name) << "\\\"";
    if (!extra.empty()) o << "\\n" << esc(extra);
    o << "\\n" << hex(obj) << "\"];\n";
  };
  for (const thread_leak& t : threads) {
    std::string id = "t" + std::to_string(t.tid);
    thread_nodes.insert(t.id);
    o << "  \"" << id << "\" [shape=box, style=filled, fillcolor=\""
      << (t.kind == leak_kind::definite ? "#f4a6a6" : "#f9e0a0") << "\", label=\"thread \\\""
      << esc(t.name) << "\\\"\\ntid " << t.tid;
    if (t.started_line) o << "\\nstarted " << esc(base_name(t.started_file)) << ":" << t.started_line;
    o << "\"];\n";
    if (t.blocked_on) {
      const wait_info& w = *t.blocked_on;
      std::string extra = is_channel(w.kind) ? "cap " + std::to_string(w.capacity) : "";
      object_node(w.object, w.object_type, w.object_name, extra);
      o << "  \"" << id << "\" -> \"o" << hex(w.object) << "\" [label=\"" << edge_label(w.kind)
        << "\\n" << esc(base_name(w.file)) << ":" << w.line << " (" << duration(w.blocked_for)
        << ")\", color=red];\n";
    }
    for (const permit_info& p : t.permits) {
      object_node(p.object, p.object_type, "", "");
      o << "  \"" << id << "\" -> \"o" << hex(p.object) << "\" [label=\"holds permit of\\n"
        << esc(base_name(p.file)) << ":" << p.line << "\", style=dashed];\n";
    }
  }
  for (const permit_info& p : permits) {
    if (p.thread_id && thread_nodes.count(p.thread_id)) continue;
    object_node(p.object, p.object_type, "", "");
    std::string id = "h" + std::to_string(p.thread_id);
    o << "  \"" << id << "\" [shape=box, style=dashed, label=\"thread \\\"" << esc(p.thread_name)
      << "\\\"\\n(no longer running)\"];\n";
    o << "  \"" << id << "\" -> \"o" << hex(p.object) << "\" [label=\"holds permit of\\n"
      << esc(base_name(p.file)) << ":" << p.line << "\", style=dashed];\n";
  }
  o << "}\n";
  return o.str();
}

// ------------------------------------------------------------------ dump --

void dump(std::ostream& out) {
  std::vector<rt::thread_view> all = rt::snapshot(true);
  out << "leakguard dump: " << all.size() << " threads in pid " << getpid() << "\n";
  const int me = static_cast<int>(gettid());
  for (const rt::thread_view& v : all) {
    thread_leak t;
    t.name = v.name;
    t.tid = v.tid;
    t.blocked_on = v.wait;
    if (v.tracked && v.go_site.line()) {
      t.started_file = v.go_site.file_name();
      t.started_line = v.go_site.line();
    } else if (!v.creation_pcs.empty()) {
      for (const stack_frame& f : rt::symbolize(v.creation_pcs, false))
        if (!rt::is_system_frame(f)) {
          t.started_file = f.file;
          t.started_line = f.line;
          break;
        }
    }
    out << "\n" << headline(t);
    if (v.tid == me) out << " (this thread)";
    if (v.internal) out << " (leakguard)";
    if (v.finished) out << " (finishing)";
    out << "\n";
    if (!v.test.empty()) out << "    started during test " << v.test << "\n";
    std::vector<void*> pcs;
    if (rt::capture_stack(v.tid, pcs, nullptr)) frames(out, rt::symbolize(pcs, true), "    ");
    else out << "    (stack unavailable)\n";
  }
  for (const rt::permit_entry& p : rt::permit_snapshot())
    out << "\n" << permit_line(rt::permit_from_entry(p)) << "\n";
  out.flush();
}

namespace {
sem_t g_dump_sem;
std::atomic<bool> g_dump_installed{false};
void on_dump_signal(int) {
  int saved = errno;
  sem_post(&g_dump_sem);
  errno = saved;
}
}  // namespace

void install_dump_signal(int sig) {
  if (g_dump_installed.exchange(true)) return;
  sem_init(&g_dump_sem, 0, 0);
  rt::start_internal_thread([] {
    for (;;) {
      while (sem_wait(&g_dump_sem) != 0) {
      }
      dump(std::cerr);
    }
  });
  struct sigaction sa{};
  sa.sa_handler = &on_dump_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);
}

// -------------------------------------------------------------- deadlock --

leak_report check_deadlock(std::chrono::nanoseconds threshold) {
  leak_report rep;
  const auto now = rt::clock::now();
  std::vector<rt::thread_view> asleep;
  for (rt::thread_view& v : rt::program_threads()) {
    if (!v.wait) return rep;  // someone is running (or blocked outside leakguard)
    if (rt::blocked_but_wakes_by_itself(v)) return rep;
    if (now - v.wait_since < threshold) return rep;
    asleep.push_back(std::move(v));
  }
  if (asleep.empty()) return rep;
  rep.deadlock = true;
  rep.checked_in = "the deadlock check";
  for (const rt::thread_view& v : asleep) {
    thread_leak t = rt::leak_from_view(v);
    t.kind = leak_kind::definite;
    t.reason = "all threads are asleep";
    rt::fill_started_site(t, v);
    std::vector<void*> pcs;
    if (rt::capture_stack(v.tid, pcs, nullptr)) t.stack = rt::symbolize(pcs, true);
    rep.threads.push_back(std::move(t));
  }
  return rep;
}

namespace {
struct watchdog_state {
  std::mutex mu;
  std::condition_variable cv;
  bool running = false;
  bool stop = false;
  std::thread th;
};
watchdog_state& wd() {
  static watchdog_state* w = new watchdog_state;
  return *w;
}
}  // namespace

void start_deadlock_watchdog(std::chrono::milliseconds threshold,
                             std::function<void(const leak_report&)> on_deadlock) {
  watchdog_state& w = wd();
  std::lock_guard lk(w.mu);
  if (w.running) return;
  w.running = true;
  w.stop = false;
  if (!on_deadlock) {
    on_deadlock = [](const leak_report& r) {
      std::cerr << "fatal error: all threads are asleep - deadlock!\n\n" << r.text();
      std::cerr.flush();
      std::_Exit(2);
    };
  }
  w.th = std::thread([threshold, fn = std::move(on_deadlock)] {
    rt::mark_internal();
    watchdog_state& s = wd();
    auto period = std::max<std::chrono::milliseconds>(threshold / 4, std::chrono::milliseconds(5));
    std::unique_lock lk(s.mu);
    while (!s.stop) {
      s.cv.wait_for(lk, period, [&] { return s.stop; });
      if (s.stop) break;
      lk.unlock();
      leak_report r = check_deadlock(threshold);
      if (r.deadlock) fn(r);
      lk.lock();
    }
  });
}

void stop_deadlock_watchdog() {
  watchdog_state& w = wd();
  std::thread th;
  {
    std::lock_guard lk(w.mu);
    if (!w.running) return;
    w.stop = true;
    w.running = false;
    th = std::move(w.th);
  }
  w.cv.notify_all();
  if (th.joinable()) th.join();
}

}  // namespace leakguard
