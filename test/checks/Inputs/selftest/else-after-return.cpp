int pick(int x) {
  if (x)
    return 1;
  else
    return 2;
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: do not use 'else' after 'return' [readability-else-after-return]
