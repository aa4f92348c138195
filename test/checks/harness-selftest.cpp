// The runner itself must fail a test when clang-tidy reports a diagnostic
// the test does not expect, and when a fix-it changes the file but the test
// shows no CHECK-FIXES. (The input is a plain upstream check's case.)
// RUN: cp %inputs/selftest/else-after-return.cpp %t.msg-only.cpp
// RUN: not %check_tidy %t.msg-only.cpp readability-else-after-return %t.a 2>&1 | %FileCheck %s --check-prefix=UNCHECKED-FIX
// UNCHECKED-FIX: fix-its changed the file but the test has no CHECK-FIXES
// RUN: grep -v CHECK-MESSAGES %inputs/selftest/else-after-return.cpp > %t.no-msg.cpp
// RUN: not %check_tidy %t.no-msg.cpp readability-else-after-return %t.b 2>&1 | %FileCheck %s --check-prefix=UNEXPECTED
// UNEXPECTED: diagnostics were emitted but the test expects none
// RUN: sed -e 's/:3: warning/:9: warning/' %inputs/selftest/else-after-return.cpp > %t.bad-col.cpp
// RUN: not %check_tidy %t.bad-col.cpp readability-else-after-return %t.c 2>&1 | %FileCheck %s --check-prefix=WRONG-COLUMN
// WRONG-COLUMN: FileCheck failed for CHECK-MESSAGES
// A misspelt check name (or a plugin that did not load) must fail, not pass silently.
// RUN: not %check_tidy %s leakguard-no-such-check %t.d 2>&1 | %FileCheck %s --check-prefix=NO-CHECK
// NO-CHECK: check 'leakguard-no-such-check' is not available
