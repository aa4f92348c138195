// runtime/symbolize.cpp - PCs to function/file/line, outside any signal
// handler.
//
// Unwinding (in the handler, see registry.cpp) uses libunwind: its local
// unwinder is documented async-signal-safe and fills a caller-provided array
// without allocating. Symbolizing uses libdw (elfutils): it reads the DWARF
// line tables, so frames come out as file:line, which libunwind alone
// (function+offset) and glibc's backtrace_symbols cannot do. libdw allocates
// and takes no care about signals, which is fine here: this runs in the
// thread that asked for the report.
#include "internal.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace leakguard::rt {
namespace {

std::string demangle(const char* name) {
  if (!name) return "??";
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status == 0 && d) {
    std::string s(d);
    std::free(d);
    return s;
  }
  return name;
}

std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name})
    if (dwarf_attr_integrate(die, at, &attr))
      if (const char* n = dwarf_formstring(&attr)) return demangle(n);
  if (dwarf_attr_integrate(die, DW_AT_name, &attr))
    if (const char* n = dwarf_formstring(&attr)) return n;
  return {};
}

// Frames for one PC, innermost first: the code at PC, then one frame per
// function it was inlined into (std::thread's constructor inlined into the
// user's function is two frames, the second at the user's line).
class symbolizer {
 public:
  std::vector<stack_frame> lookup(std::uintptr_t pc) {
    std::lock_guard lk(mu_);
    if (auto it = cache_.find(pc); it != cache_.end()) return it->second;
    std::vector<stack_frame> f = resolve(pc);
    if (cache_.size() > 65536) cache_.clear();
    cache_.emplace(pc, f);
    return f;
  }

 private:
  // PC is already adjusted (a call site, not a return address).
  std::vector<stack_frame> resolve(std::uintptr_t pc) {
    stack_frame f;
    f.pc = pc;
    std::vector<stack_frame> out;
    Dwfl_Module* m = module_for(pc);
    if (m) {
      const char* mod = dwfl_module_info(m, nullptr, nullptr, nullptr, nullptr, nullptr,
                                         nullptr, nullptr);
      if (mod) f.module = mod;
      if (const char* n = dwfl_module_addrname(m, pc)) f.function = demangle(n);
      Dwarf_Addr bias = 0;
      if (Dwarf_Die* cu = find_cu(m, pc, &bias)) {
        if (Dwarf_Line* l = dwarf_getsrc_die(cu, pc - bias)) {
          int line = 0;
          dwarf_lineno(l, &line);
          if (const char* file = dwarf_linesrc(l, nullptr, nullptr)) {
            f.file = file;
            f.line = static_cast<unsigned>(line);
          }
        }
        inline_frames(cu, pc - bias, f, out);
      }
    }
    if (out.empty()) {
      if (f.function.empty()) {
        Dl_info info{};
        if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_sname)
          f.function = demangle(info.dli_sname);
        if (f.module.empty() && info.dli_fname) f.module = info.dli_fname;
      }
      if (f.function.empty()) f.function = "??";
      out.push_back(std::move(f));
    }
    return out;
  }

  // Expands inlined scopes. F holds the line-table answer for PC. The
  // innermost inlined instance's concrete scope chain (dwarf_getscopes_die)
  // gives every function it was inlined into and the call site in each.
  static void inline_frames(Dwarf_Die* cu, Dwarf_Addr addr, const stack_frame& f,
                            std::vector<stack_frame>& out) {
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(cu, addr, &scopes);
    if (n <= 0) return;
    int k = 0;
    while (k < n && dwarf_tag(&scopes[k]) != DW_TAG_inlined_subroutine) ++k;
    if (k == n) {
      std::free(scopes);
      return;
    }
    Dwarf_Die* chain = nullptr;
    int nc = dwarf_getscopes_die(&scopes[k], &chain);
    std::free(scopes);
    if (nc <= 0) return;
    Dwarf_Files* files = nullptr;
    std::size_t nfiles = 0;
    dwarf_getsrcfiles(cu, &files, &nfiles);
    stack_frame cur = f;
    Dwarf_Die* callee = nullptr;  // the inlined instance whose call site is next
    for (int i = 0; i < nc; ++i) {
      int tag = dwarf_tag(&chain[i]);
      if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
      if (callee) {
        Dwarf_Attribute attr;
        Dwarf_Word file_idx = 0, line = 0;
        cur = f;
        cur.file.clear();
        cur.line = 0;
        if (files && dwarf_formudata(dwarf_attr(callee, DW_AT_call_file, &attr), &file_idx) == 0)
          if (const char* fn = dwarf_filesrc(files, file_idx, nullptr, nullptr)) cur.file = fn;
        if (dwarf_formudata(dwarf_attr(callee, DW_AT_call_line, &attr), &line) == 0)
          cur.line = static_cast<unsigned>(line);
      }
      std::string name = die_name(&chain[i]);
      cur.function = name.empty() ? f.function : name;
      out.push_back(cur);
      if (tag == DW_TAG_subprogram) break;
      callee = &chain[i];
    }
    std::free(chain);
  }

  // The compile unit holding PC. Clang emits no .debug_aranges by default,
  // which dwfl_module_addrdie relies on; then use a per-module table of the
  // CUs' own address ranges, built once.
  struct cu_range {
    Dwarf_Addr lo, hi;
    Dwarf_Die* cu;
    Dwarf_Addr bias;
  };
  Dwarf_Die* find_cu(Dwfl_Module* m, std::uintptr_t pc, Dwarf_Addr* bias) {
    if (Dwarf_Die* cu = dwfl_module_addrdie(m, pc, bias)) return cu;
    auto [it, fresh] = ranges_.try_emplace(m);
    std::vector<cu_range>& tab = it->second;
    if (fresh) {
      Dwarf_Die* cu = nullptr;
      Dwarf_Addr b = 0;
      while ((cu = dwfl_module_nextcu(m, cu, &b)) != nullptr) {
        Dwarf_Addr base = 0, lo = 0, hi = 0;
        ptrdiff_t off = 0;
        while ((off = dwarf_ranges(cu, off, &base, &lo, &hi)) > 0)
          if (hi > lo) tab.push_back({lo + b, hi + b, cu, b});
      }
      std::sort(tab.begin(), tab.end(), [](auto& x, auto& y) { return x.lo < y.lo; });
    }
    auto r = std::upper_bound(tab.begin(), tab.end(), pc,
                              [](std::uintptr_t v, const cu_range& c) { return v < c.lo; });
    while (r != tab.begin()) {
      --r;
      if (pc >= r->lo && pc < r->hi) {
        *bias = r->bias;
        return r->cu;
      }
      if (tab.size() < 2 || r->hi <= pc) break;  // ranges rarely nest; stop early
    }
    return nullptr;
  }

  Dwfl_Module* module_for(std::uintptr_t pc) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!dwfl_ || attempt == 1) report_modules();
      if (!dwfl_) return nullptr;
      if (Dwfl_Module* m = dwfl_addrmodule(dwfl_, pc)) return m;
    }
    return nullptr;
  }

  void report_modules() {
    if (!dwfl_) {
      static char* debuginfo_path = nullptr;
      static const Dwfl_Callbacks cb = {
          .find_elf = dwfl_linux_proc_find_elf,
          .find_debuginfo = dwfl_standard_find_debuginfo,
          .section_address = nullptr,
          .debuginfo_path = &debuginfo_path,
      };
      dwfl_ = dwfl_begin(&cb);
      if (!dwfl_) return;
    }
    ranges_.clear();
    dwfl_report_begin(dwfl_);
    dwfl_linux_proc_report(dwfl_, getpid());
    dwfl_report_end(dwfl_, nullptr, nullptr);
  }

  std::mutex mu_;
  Dwfl* dwfl_ = nullptr;
  std::unordered_map<std::uintptr_t, std::vector<stack_frame>> cache_;
  std::unordered_map<Dwfl_Module*, std::vector<cu_range>> ranges_;
};

symbolizer& sym() {
  static symbolizer* s = new symbolizer;  // never destroyed: usable at exit
  return *s;
}

// Never destroyed, like sym(): the symbolizer's warm-up thread may still be
// reading it while static destructors run at exit (TSan saw exactly that).
const std::string& runtime_module() {
  static const std::string* path = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&runtime_module), &info) && info.dli_fname)
      return new std::string(info.dli_fname);
    return new std::string();
  }();
  return *path;
}

bool same_module(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  auto base = [](const std::string& s) {
    auto p = s.rfind('/');
    return p == std::string::npos ? s : s.substr(p + 1);
  };
  return base(a) == base(b);
}

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

bool is_runtime_frame(const stack_frame& f) {
  static void* const base = [] {
    Dl_info info{};
    return dladdr(reinterpret_cast<void*>(&runtime_module), &info) ? info.dli_fbase : nullptr;
  }();
  Dl_info info{};
  if (f.pc && base && dladdr(reinterpret_cast<void*>(f.pc), &info) && info.dli_fbase == base)
    return true;
  return same_module(f.module, runtime_module()) || starts_with(f.function, "leakguard::rt::");
}

bool is_system_frame(const stack_frame& f) {
  if (is_runtime_frame(f)) return true;
  static const char* const libs[] = {"libc.so", "libstdc++.so", "libgcc_s", "libpthread",
                                     "ld-linux", "libasan", "libtsan", "libubsan",
                                     "libunwind", "libclang_rt"};
  for (const char* l : libs)
    if (f.module.find(l) != std::string::npos) return true;
  static const char* const fns[] = {"std::", "__gnu_cxx::", "__sanitizer", "__tsan", "__asan",
                                    "__lsan", "__ubsan", "__interceptor", "___interceptor",
                                    "pthread_", "__pthread", "start_thread", "clone",
                                    "__GI_", "__futex", "futex_", "__lll", "execute_native_thread_routine",
                                    "leakguard::detail::", "__restore_rt", "__libc", "syscall",
                                    "__cxa_", "_Unwind", "operator()", "??"};
  for (const char* p : fns)
    if (starts_with(f.function, p)) return true;
  if (starts_with(f.file, "/usr/include/")) return true;
  if (f.file.find("/include/leakguard/") != std::string::npos &&
      f.function.rfind("leakguard::", 0) == 0)
    return true;
  return false;
}

std::vector<stack_frame> symbolize(const std::vector<void*>& pcs, bool from_signal) {
  std::vector<stack_frame> out;
  out.reserve(pcs.size());
  // From a signal: the first frames are the handler and the kernel's
  // sigreturn trampoline; the frame after __restore_rt is the interrupted
  // PC itself (exact), every later one a return address (minus one).
  std::size_t first = 0;
  bool exact_next = false;
  if (from_signal) {
    for (std::size_t i = 0; i < pcs.size() && i < 8; ++i) {
      stack_frame f = sym().lookup(reinterpret_cast<std::uintptr_t>(pcs[i])).front();
      if (f.function == "__restore_rt" || f.function.find("sigreturn") != std::string::npos) {
        first = i + 1;
        exact_next = true;
        break;
      }
    }
  }
  for (std::size_t i = first; i < pcs.size(); ++i) {
    auto pc = reinterpret_cast<std::uintptr_t>(pcs[i]);
    bool exact = exact_next && i == first;
    for (stack_frame& f : sym().lookup(exact || pc == 0 ? pc : pc - 1)) {
      f.pc = pc;
      out.push_back(std::move(f));
    }
  }
  if (debug_enabled())
    for (auto& f : out) std::fprintf(stderr, "  frame %s [%s] rt=%d\n", f.function.c_str(), f.module.c_str(), (int)is_runtime_frame(f));
  // Drop the runtime's own frames on top (handler, interposer, unwinder).
  std::size_t k = 0;
  while (k < out.size() && (is_runtime_frame(out[k]) || out[k].module.find("libunwind") != std::string::npos ||
                            out[k].function == "__restore_rt"))
    ++k;
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k));
  return out;
}

stack_frame symbolize_one(void* pc) {
  // The outermost frame of PC: the function it really is in.
  return sym().lookup(reinterpret_cast<std::uintptr_t>(pc)).back();
}

}  // namespace leakguard::rt
