#include <gtest/gtest.h>
TEST(Child, Clean) {}
