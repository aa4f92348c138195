// runtime/registry.cpp - the thread registry, the hook table, and the
// pthread_create interposer.
//
// How every thread creation is seen: this shared library defines
// pthread_create. It is linked into every program that links
// leakguard::leakguard and sits before libc in the global lookup scope, so
// libstdc++'s std::thread/std::jthread (which call pthread_create from inside
// libstdc++.so, where -Wl,--wrap cannot reach) resolve to this definition.
// It records the creation (stack, parent, current test) in the parent,
// forwards to the next definition (dlsym(RTLD_NEXT)), and wraps the start
// routine so the child registers its tid and is noticed when it exits (a
// pthread key destructor, so pthread_exit counts too).
//
// Sanitizers: ThreadSanitizer intercepts pthread_create in the executable and
// reaches us through its own RTLD_NEXT lookup with its own start routine;
// code of ours running in the child before TSan's start routine would run in
// a thread TSan does not know yet. Under TSan (detected at compile time and
// at run time) the interposer therefore only records the creation, keyed by
// pthread_t, and forwards unchanged ("sanitizer-passthrough" mode); threads
// are then found through /proc/self/task and matched to their creation via
// pthread_self() taken in the stack-capture signal handler. ASan/UBSan keep
// the full mode (their start routine runs inside ours, which is harmless).
#include "internal.hpp"

#include <dirent.h>
#include <dlfcn.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>
#include <utility>

namespace leakguard::rt {
namespace {

using pthread_create_fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

constexpr int kMaxFrames = 64;
constexpr int kCreationFrames = 24;

// Initial-exec TLS: no allocation on first access, safe in the start trampoline
// and in signal handlers.
__attribute__((tls_model("initial-exec"))) thread_local thread_record* t_self = nullptr;
__attribute__((tls_model("initial-exec"))) thread_local bool t_in_runtime = false;
// Set by the runtime around creating its own helper threads.
__attribute__((tls_model("initial-exec"))) thread_local bool t_create_internal = false;
// Set around the header library's own thread creations (hook_creating_library_thread).
__attribute__((tls_model("initial-exec"))) thread_local bool t_create_library = false;

int gettid_() { return static_cast<int>(::syscall(SYS_gettid)); }

bool tsan_detected() {
#if defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return true;
#endif
#endif
  return dlsym(RTLD_DEFAULT, "__tsan_init") != nullptr;
}

std::atomic<int> g_mode{-1};  // -1 unknown, 0 full, 1 pass-through

bool passthrough_now() {
  int m = g_mode.load(std::memory_order_acquire);
  if (m < 0) {
    m = tsan_detected() ? 1 : 0;
    if (const char* e = std::getenv("LEAKGUARD_PASSTHROUGH"); e && *e == '1') m = 1;
    g_mode.store(m, std::memory_order_release);
  }
  return m == 1;
}

pthread_create_fn real_pthread_create() {
  static pthread_create_fn fn =
      reinterpret_cast<pthread_create_fn>(dlsym(RTLD_NEXT, "pthread_create"));
  return fn;
}

std::atomic<bool> g_interposer_called{false};

void thread_exit_cb(void* p) {
  auto* rec = static_cast<thread_record*>(p);
  registry& r = reg();
  {
    std::lock_guard lk(r.mu);
    r.live.erase(rec->id);
    ++r.exits;
  }
  r.cv.notify_all();
  if (t_self == rec) t_self = nullptr;
  delete rec;
}

void fill_parent(std::uint64_t& parent_id, int& parent_tid, std::string& parent_name) {
  parent_tid = gettid_();
  if (thread_record* me = t_self) {
    parent_id = me->id;
    std::lock_guard lk(me->mu);
    parent_name = me->name;
  }
  if (parent_name.empty()) parent_name = kernel_thread_name(parent_tid);
}

std::vector<void*> creation_stack() {
  void* pcs[kCreationFrames];
  int n = unw_backtrace(pcs, kCreationFrames);
  return std::vector<void*>(pcs, pcs + (n > 0 ? n : 0));
}

struct boot {
  void* (*fn)(void*);
  void* arg;
  thread_record* rec;
};

void* trampoline(void* p) {
  boot b = *static_cast<boot*>(p);
  delete static_cast<boot*>(p);
  b.rec->tid.store(gettid_(), std::memory_order_release);
  t_self = b.rec;
  pthread_setspecific(reg().key, b.rec);
  return b.fn(b.arg);
}

// ------------------------------------------------------------ the hooks --

void hook_block_begin(const detail::wait_record& w) noexcept {
  thread_record* me = self();
  if (!me) return;
  {
    std::lock_guard lk(me->mu);
    me->waits.push_back({&w, clock::now()});
  }
  registry& r = reg();
  if (r.checkers.load(std::memory_order_relaxed) != 0) {
    {
      std::lock_guard lk(r.mu);
      ++r.exits;
    }
    r.cv.notify_all();
  }
}

void hook_block_end(const detail::wait_record& w) noexcept {
  thread_record* me = t_self;
  if (!me) return;
  std::lock_guard lk(me->mu);
  for (auto it = me->waits.end(); it != me->waits.begin();) {
    --it;
    if (it->record == &w) {
      me->waits.erase(it);
      break;
    }
  }
}

void hook_permits(const void* object, const char* type, std::ptrdiff_t delta,
                  std::source_location where) noexcept {
  if (delta == 0) return;
  registry& r = reg();
  thread_record* me = self();
  try {
    if (delta > 0) {
      permit_entry e;
      e.object = object;
      e.object_type = type ? type : "";
      e.count = delta;
      e.where = where;
      if (me) {
        e.thread_id = me->id;
        std::lock_guard lk(me->mu);
        e.thread_name = me->name;
      }
      if (e.thread_name.empty()) e.thread_name = kernel_thread_name(gettid_());
      e.test = current_test_name();
      std::lock_guard lk(r.permit_mu);
      e.serial = r.next_permit++;
      r.permits.push_back(std::move(e));
      return;
    }
    // Release: prefer this thread's own acquisitions, newest first (the
    // matching defer); otherwise the oldest outstanding ones (Go's pattern of
    // acquire in the spawner, release in the worker).
    std::ptrdiff_t left = -delta;
    std::lock_guard lk(r.permit_mu);
    auto take = [&](auto first, auto last, bool mine_only) {
      for (auto it = first; it != last && left > 0; ++it) {
        permit_entry& e = *it;
        if (e.object != object || e.count == 0) continue;
        if (mine_only && (!me || e.thread_id != me->id)) continue;
        std::ptrdiff_t k = std::min(left, e.count);
        e.count -= k;
        left -= k;
      }
    };
    take(r.permits.rbegin(), r.permits.rend(), true);
    take(r.permits.begin(), r.permits.end(), false);
    std::erase_if(r.permits, [](const permit_entry& e) { return e.count == 0; });
  } catch (...) {
    // Out of memory while bookkeeping: lose the record, never the program.
  }
}

void hook_thread_begin(const char* name, std::source_location site) noexcept {
  thread_record* me = self();
  if (!me) return;
  {
    std::lock_guard lk(me->mu);
    me->tracked = true;
    me->go_site = site;
    if (name && *name) me->name = name;
  }
  if (name && *name) {
    char k[16];
    std::snprintf(k, sizeof k, "%s", name);
    pthread_setname_np(pthread_self(), k);
  }
}

void hook_thread_end() noexcept {
  thread_record* me = t_self;
  if (!me) return;
  registry& r = reg();
  {
    std::lock_guard lk(r.mu);
    {
      std::lock_guard lk2(me->mu);
      me->finished = true;
    }
    ++r.exits;
  }
  r.cv.notify_all();
}

void hook_object_destroyed(const void* object) noexcept {
  registry& r = reg();
  try {
    std::vector<std::string> found;
    {
      std::lock_guard lk(r.mu);
      for (auto& [id, rec] : r.live) {
        if (rec == t_self) continue;
        std::lock_guard lk2(rec->mu);
        for (const active_wait& w : rec->waits) {
          if (w.record->object != object) continue;
          char buf[512];
          std::snprintf(buf, sizeof buf,
                        "%s %p destroyed while thread \"%s\" [tid %d] is blocked in %s at %s:%u",
                        *w.record->object_type ? w.record->object_type : "object", object,
                        rec->name.empty() ? kernel_thread_name(rec->tid).c_str()
                                          : rec->name.c_str(),
                        rec->tid.load(), display_operation(*w.record).c_str(),
                        w.record->where.file_name(), w.record->where.line());
          found.emplace_back(buf);
        }
      }
      for (auto& s : found) r.notes.push_back(s);
    }
    // Report before teardown: say it now, the destructor may hang.
    for (auto& s : found) std::fprintf(stderr, "leakguard: %s\n", s.c_str());
    std::lock_guard lk(r.permit_mu);
    for (permit_entry& e : r.permits)
      if (e.object == object) e.destroyed = true;
  } catch (...) {
  }
}

void hook_creating_library_thread(bool on) noexcept { t_create_library = on; }

constinit const detail::tracker_hooks g_hooks{
    .block_begin = &hook_block_begin,
    .block_end = &hook_block_end,
    .permits = &hook_permits,
    .thread_begin = &hook_thread_begin,
    .thread_end = &hook_thread_end,
    .object_destroyed = &hook_object_destroyed,
    .creating_library_thread = &hook_creating_library_thread,
};

// ------------------------------------------------------- stack capture --

struct capture_slot {
  std::atomic<int> target{0};
  std::atomic<int> count{0};
  void* pcs[kMaxFrames];
  pthread_t handle{};
  sem_t done;
};
capture_slot g_slot;
std::mutex g_capture_mu;
int g_capture_signal = 0;
bool g_stacks_ok = false;

void on_capture_signal(int, siginfo_t*, void*) {
  int saved = errno;
  if (g_slot.target.load(std::memory_order_acquire) == gettid_()) {
    int n = unw_backtrace(g_slot.pcs, kMaxFrames);
    g_slot.handle = pthread_self();
    g_slot.count.store(n > 0 ? n : 0, std::memory_order_relaxed);
    g_slot.target.store(0, std::memory_order_release);
    sem_post(&g_slot.done);
  }
  errno = saved;
}

void install_capture_handler() {
  sem_init(&g_slot.done, 0, 0);
  int sig = SIGRTMIN + 6;
  if (const char* e = std::getenv("LEAKGUARD_STACK_SIGNAL")) sig = std::atoi(e);
  struct sigaction sa{};
  sa.sa_sigaction = &on_capture_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sig > 0 && sigaction(sig, &sa, nullptr) == 0) {
    g_capture_signal = sig;
    g_stacks_ok = true;
  }
}

// fork(): the registry's locks are held across the fork so the child starts
// from a consistent state; the child keeps only the forking thread's record
// (the others describe threads that do not exist there; their memory is
// abandoned, not freed, because their own mutexes may be held).
void atfork_prepare() {
  registry& r = reg();
  r.mu.lock();
  r.permit_mu.lock();
  r.creation_mu.lock();
  g_capture_mu.lock();
}
void atfork_parent() {
  registry& r = reg();
  g_capture_mu.unlock();
  r.creation_mu.unlock();
  r.permit_mu.unlock();
  r.mu.unlock();
}
void atfork_child() {
  registry& r = reg();
  std::erase_if(r.live, [](const auto& kv) { return kv.second != t_self; });
  if (t_self) t_self->tid.store(gettid_());
  r.creations.clear();
  atfork_parent();
}

struct runtime_init {
  runtime_init() {
    registry& r = reg();
    (void)r;
    (void)passthrough_now();
    install_capture_handler();
    // Warm libunwind up (its first use initializes caches) outside any
    // signal handler.
    void* warm[4];
    (void)unw_backtrace(warm, 4);
    detail::installed_hooks.store(&g_hooks, std::memory_order_release);
    pthread_atfork(&atfork_prepare, &atfork_parent, &atfork_child);
  }
};
runtime_init g_init __attribute__((init_priority(101)));

}  // namespace

registry& reg() {
  static registry* r = [] {
    auto* p = new registry;
    pthread_key_create(&p->key, &thread_exit_cb);
    return p;
  }();
  return *r;
}

thread_record* self() {
  if (thread_record* me = t_self) return me;
  if (t_in_runtime) return nullptr;
  t_in_runtime = true;
  registry& r = reg();
  auto* rec = new (std::nothrow) thread_record;
  if (!rec) {
    t_in_runtime = false;
    return nullptr;
  }
  rec->id = r.next_id.fetch_add(1);
  rec->tid.store(gettid_());
  rec->adopted = true;
  if (passthrough_now()) {
    if (auto c = creation_for(gettid_())) {
      rec->adopted = false;
      rec->creation_pcs = std::move(c->pcs);
      rec->start_routine = c->start_routine;
      rec->parent_id = c->parent_id;
      rec->parent_tid = c->parent_tid;
      rec->parent_name = std::move(c->parent_name);
      rec->test = std::move(c->test);
      rec->internal = c->internal;
      rec->library = c->library;
    }
  }
  {
    std::lock_guard lk(r.mu);
    r.live.emplace(rec->id, rec);
  }
  t_self = rec;
  pthread_setspecific(r.key, rec);
  t_in_runtime = false;
  return rec;
}

void start_internal_thread(void (*fn)()) {
  t_create_internal = true;
  try {
    // The tracker's own daemons (watchdog, dump handler) live as long as the
    // process and are marked internal, so reports never list them.
    std::thread([fn] {
      mark_internal();
      fn();
    }).detach();  // NOLINT(leakguard-detached-thread): process-lifetime daemon
  } catch (...) {
  }
  t_create_internal = false;
}

void mark_internal() {
  if (thread_record* me = self()) {
    std::lock_guard lk(me->mu);
    me->internal = true;
  }
}

std::string kernel_thread_name(int tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
  FILE* f = std::fopen(path, "re");
  if (!f) return {};
  char buf[64] = {};
  std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0')) --n;
  return std::string(buf, n);
}

std::string current_test_name() {
  registry& r = reg();
  std::lock_guard lk(r.test_mu);
  return r.test;
}

bool interposing() { return g_interposer_called.load() || real_pthread_create() != nullptr; }
bool passthrough() { return passthrough_now(); }
bool stacks_available() { return g_stacks_ok; }

std::optional<creation_info> creation_for(int tid) {
  registry& r = reg();
  std::lock_guard lk(r.creation_mu);
  auto it = r.creations.find(tid);
  if (it == r.creations.end()) return std::nullopt;
  return it->second;
}

std::string display_operation(const detail::wait_record& r) {
  std::string op = r.operation ? r.operation : "";
  std::string type = r.object_type ? r.object_type : "";
  if (type.empty()) return op;
  auto pos = op.rfind("::");
  std::string tail = pos == std::string::npos ? op : op.substr(pos + 2);
  return tail.empty() ? type : type + "::" + tail;
}

wait_info to_wait_info(const detail::wait_record& r, clock::time_point since) {
  wait_info w;
  w.kind = r.kind;
  w.operation = display_operation(r);
  w.object_type = r.object_type ? r.object_type : "";
  w.object_name = r.object_name ? r.object_name : "";
  w.object = reinterpret_cast<std::uintptr_t>(r.object);
  w.capacity = r.capacity;
  w.file = r.where.file_name() ? r.where.file_name() : "";
  w.line = r.where.line();
  w.function = r.where.function_name() ? r.where.function_name() : "";
  w.blocked_for = clock::now() - since;
  return w;
}

std::vector<thread_view> snapshot(bool include_self) {
  registry& r = reg();
  std::vector<thread_view> out;
  std::set<int> known;
  const int me = gettid_();
  {
    std::lock_guard lk(r.mu);
    out.reserve(r.live.size());
    for (auto& [id, rec] : r.live) {
      thread_view v;
      v.id = id;
      v.tid = rec->tid.load(std::memory_order_acquire);
      known.insert(v.tid);
      if (!include_self && (rec == t_self || v.tid == me)) continue;
      std::lock_guard lk2(rec->mu);
      v.name = rec->name;
      v.tracked = rec->tracked;
      v.finished = rec->finished;
      v.internal = rec->internal;
      v.library = rec->library;
      v.adopted = rec->adopted;
      v.go_site = rec->go_site;
      v.has_go_site = rec->tracked;
      v.creation_pcs = rec->creation_pcs;
      v.start_routine = rec->start_routine;
      v.parent_id = rec->parent_id;
      v.parent_tid = rec->parent_tid;
      v.parent_name = rec->parent_name;
      v.test = rec->test;
      if (!rec->waits.empty()) {
        const active_wait& w = rec->waits.back();
        v.wait = to_wait_info(*w.record, w.since);
        v.wait_kind = w.record->kind;
        v.wait_timed = w.record->timed;
        v.wait_since = w.since;
      }
      out.push_back(std::move(v));
    }
  }
  // Threads the registry never saw (pass-through mode, clone() users,
  // threads started before the runtime loaded). While a registered thread is
  // still starting (tid not yet published) an unknown tid may be that very
  // thread, so /proc is consulted only when no registered thread is starting.
  bool starting = known.count(0) != 0;
  if (DIR* d = starting ? nullptr : opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      int tid = std::atoi(e->d_name);
      if (known.count(tid) || (!include_self && tid == me)) continue;
      thread_view v;
      v.tid = tid;
      v.adopted = true;
      out.push_back(std::move(v));
    }
    closedir(d);
    // Pass-through mode: attach recorded creations, forget dead tids.
    std::lock_guard lk(r.creation_mu);
    if (!r.creations.empty()) {
      std::set<int> alive(known);
      for (thread_view& v : out) {
        alive.insert(v.tid);
        if (v.id != 0) continue;
        auto it = r.creations.find(v.tid);
        if (it == r.creations.end()) continue;
        v.adopted = false;
        v.creation_pcs = it->second.pcs;
        v.start_routine = it->second.start_routine;
        v.parent_id = it->second.parent_id;
        v.parent_tid = it->second.parent_tid;
        v.parent_name = it->second.parent_name;
        v.test = it->second.test;
        v.internal = it->second.internal;
        v.library = it->second.library;
      }
      alive.insert(me);
      std::erase_if(r.creations, [&](const auto& kv) { return !alive.count(kv.first); });
    }
  }
  for (thread_view& v : out)
    if (v.name.empty()) v.name = kernel_thread_name(v.tid);
  return out;
}

std::vector<permit_entry> permit_snapshot() {
  registry& r = reg();
  std::lock_guard lk(r.permit_mu);
  return r.permits;
}

std::vector<std::string> take_notes() {
  registry& r = reg();
  std::lock_guard lk(r.mu);
  return std::exchange(r.notes, {});
}

namespace {
// Whether TID blocks SIG (sanitizer helper threads block every signal):
// signalling it would only run into the timeout.
bool blocks_signal(int tid, int sig) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/status", tid);
  FILE* f = std::fopen(path, "re");
  if (!f) return true;  // gone
  char line[256];
  bool blocked = false;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "SigBlk:", 7) != 0) continue;
    unsigned long long mask = std::strtoull(line + 7, nullptr, 16);
    blocked = (mask >> (sig - 1)) & 1ULL;
    break;
  }
  std::fclose(f);
  return blocked;
}
}  // namespace

bool capture_stack(int tid, std::vector<void*>& pcs, pthread_t* handle_out,
                   std::chrono::milliseconds timeout) {
  if (!g_stacks_ok || tid <= 0) {
    if (debug_enabled()) std::fprintf(stderr, "capture tid %d: unavailable %d\n", tid, (int)g_stacks_ok);
    return false;
  }
  if (tid != gettid_() && blocks_signal(tid, g_capture_signal)) {
    if (debug_enabled()) std::fprintf(stderr, "capture tid %d: signal blocked\n", tid);
    return false;
  }
  std::lock_guard lk(g_capture_mu);
  while (sem_trywait(&g_slot.done) == 0) {
  }
  g_slot.count.store(0);
  g_slot.target.store(tid, std::memory_order_release);
  if (::syscall(SYS_tgkill, getpid(), tid, g_capture_signal) != 0) {
    if (debug_enabled()) std::fprintf(stderr, "capture tid %d: tgkill %s\n", tid, std::strerror(errno));
    g_slot.target.store(0);
    return false;
  }
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  long long ns = ts.tv_nsec + static_cast<long long>(timeout.count()) * 1000000LL;
  ts.tv_sec += static_cast<time_t>(ns / 1000000000LL);
  ts.tv_nsec = static_cast<long>(ns % 1000000000LL);
  while (sem_timedwait(&g_slot.done, &ts) != 0) {
    if (errno == EINTR) continue;
    // Timed out: withdraw the request. A late handler sees target != its tid.
    int expected = tid;
    if (g_slot.target.compare_exchange_strong(expected, 0)) {
      if (debug_enabled()) std::fprintf(stderr, "capture tid %d: timeout\n", tid);
      return false;
    }
    // The handler claimed it just now; it will post.
    while (sem_wait(&g_slot.done) != 0 && errno == EINTR) {
    }
    break;
  }
  int n = g_slot.count.load();
  if (debug_enabled()) std::fprintf(stderr, "capture tid %d: %d frames\n", tid, n);
  pcs.assign(g_slot.pcs, g_slot.pcs + n);
  if (handle_out) *handle_out = g_slot.handle;
  return true;
}

}  // namespace leakguard::rt

// ------------------------------------------------------- the interposer --

extern "C" __attribute__((visibility("default"))) int pthread_create(
    pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  using namespace leakguard::rt;
  pthread_create_fn real = real_pthread_create();
  if (!real) return EAGAIN;
  g_interposer_called.store(true, std::memory_order_relaxed);
  if (t_in_runtime) return real(thread, attr, start, arg);
  t_in_runtime = true;
  registry& r = reg();

  if (passthrough_now()) {
    creation_info c;
    try {
      c.pcs = creation_stack();
      c.start_routine = reinterpret_cast<void*>(start);
      fill_parent(c.parent_id, c.parent_tid, c.parent_name);
      c.test = current_test_name();
      c.internal = t_create_internal;
      c.library = t_create_library;
    } catch (...) {
    }
    t_in_runtime = false;
    int rc = real(thread, attr, start, arg);
    // The child's kernel tid, through a public API: glibc encodes it in the
    // thread's CPU-time clock id, ((~tid) << 3) | 6. The thread cannot have
    // been joined yet, so its descriptor is valid here.
    clockid_t cid;
    if (rc == 0 && pthread_getcpuclockid(*thread, &cid) == 0) {
      int tid = static_cast<int>(~(cid >> 3));
      if (tid > 0) {
        std::lock_guard lk(r.creation_mu);
        r.creations[tid] = std::move(c);  // a reused tid is a new thread
      }
    }
    return rc;
  }

  auto* rec = new (std::nothrow) thread_record;
  auto* b = rec ? new (std::nothrow) boot{start, arg, rec} : nullptr;
  if (!b) {
    delete rec;
    t_in_runtime = false;
    return real(thread, attr, start, arg);
  }
  rec->id = r.next_id.fetch_add(1);
  rec->internal = t_create_internal;
  rec->library = t_create_library;
  try {
    rec->creation_pcs = creation_stack();
    rec->start_routine = reinterpret_cast<void*>(start);
    fill_parent(rec->parent_id, rec->parent_tid, rec->parent_name);
    rec->test = current_test_name();
  } catch (...) {
  }
  {
    std::lock_guard lk(r.mu);
    r.live.emplace(rec->id, rec);
  }
  t_in_runtime = false;
  int rc = real(thread, attr, &trampoline, b);
  if (rc != 0) {
    {
      std::lock_guard lk(r.mu);
      r.live.erase(rec->id);
    }
    delete b;
    delete rec;
  }
  return rc;
}

// An anchor the build references (-Wl,-u) so an --as-needed link keeps this
// library even when the program calls nothing in it directly.
extern "C" {
__attribute__((visibility("default"))) int leakguard_runtime_anchor = 1;
}
