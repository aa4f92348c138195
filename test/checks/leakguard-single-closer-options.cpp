// Default channel types (leakguard's + Boost.Fiber's), custom types and
// spawners, and invalid option values (a configuration error, not a crash).
// RUN: %check_tidy -check-suffixes=,DEF %s leakguard-single-closer %t
// RUN: %check_tidy -check-suffixes=,CUSTOM %s leakguard-single-closer %t -- \
// RUN:   -config="{CheckOptions: {leakguard-single-closer.ChannelTypes: 'my::chan', leakguard-single-closer.Spawners: 'my::spawn;boost::fibers::fiber'}}"
// RUN: %check_tidy -check-suffixes=,BAD %s leakguard-single-closer %t -- \
// RUN:   -config="{CheckOptions: {leakguard-single-closer.ChannelTypes: '1bad;not a name', leakguard-single-closer.Spawners: 'x::'}}"

// CHECK-MESSAGES-BAD: warning: invalid type name '1bad' in option 'ChannelTypes'
// CHECK-MESSAGES-BAD: warning: invalid type name 'not a name' in option 'ChannelTypes'
// CHECK-MESSAGES-BAD: warning: invalid type name 'x::' in option 'Spawners'

#include <leakguard/leakguard.hpp>
#include <single-closer/boost_fibers.hpp>
#include <single-closer/sys_closer.hpp>
#include <vector>

void leakguard_twice(leakguard::channel<int> &ch) {
  ch.close();
  ch.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'ch' may be closed a second time on this path [leakguard-single-closer]
}

void boost_twice(boost::fibers::buffered_channel<int> &ch) {
  ch.close();
  ch.close();
  // CHECK-MESSAGES-DEF: :[[@LINE-1]]:3: warning: 'ch' may be closed a second time on this path [leakguard-single-closer]
}

void boost_receiver_closes(boost::fibers::unbuffered_channel<int> &ch) {
  int v;
  while (ch.pop(v) == boost::fibers::channel_op_status::success)
    ;
  ch.close();
  // CHECK-MESSAGES-DEF: :[[@LINE-1]]:3: warning: 'ch' is closed by a function that only receives from it; the sending side must close the channel [leakguard-single-closer]
}

void my_twice(my::chan<int> &ch) {
  ch.put(1);
  ch.close();
  ch.close();
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:3: warning: 'ch' may be closed a second time on this path [leakguard-single-closer]
}

void my_spawn_in_loop(my::chan<int> &ch) {
  for (int i = 0; i < 3; ++i)
    my::spawn([&ch] { ch.close(); });
  // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:23: warning: 'ch' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
}

void fibers_in_loop(leakguard::channel<int> &ch) {
  std::vector<boost::fibers::fiber> fs;
  for (int i = 0; i < 3; ++i)
    fs.emplace_back([&ch, i] {
      ch.push(i);
      ch.close();
      // CHECK-MESSAGES-CUSTOM: :[[@LINE-1]]:7: warning: 'ch' is closed by a callable that is started more than once; only the single owner of a shared channel may close it [leakguard-single-closer]
    });
  for (auto &f : fs)
    f.join();
}
