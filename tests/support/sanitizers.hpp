/// \file
/// \brief The one kind of test the sanitizer build cannot run, and why, said once.
#pragma once

#include <gtest/gtest.h>

namespace poetry::test {

/// Why a test that leaves a process fewer than two free descriptors is skipped in
/// the sanitizer build (the default build runs it).
///
/// UBSan checks a virtual call, or a member access through a pointer, by looking
/// up the type behind the object's vtable. The first time it meets a type it must
/// know that the memory before the vtable can be read, and it finds out by writing
/// that memory into a pipe it opens for the purpose. A pipe is two descriptors: in
/// a process that has fewer than two free, pipe() fails with EMFILE, UBSan takes
/// the memory for unreadable, and reports a sound object as "not an object of type
/// ...". No UBSan option skips that probe, and turning the check off would hide
/// real errors, so these tests do not run under it.
/// Sanitizers.UbsanNeedsTwoFreeDescriptors (tests/failures/edges_test.cpp) shows
/// the need, and fails once a sanitizer runtime no longer has it.
inline constexpr const char* kUbsanNeedsTwoFreeDescriptors =
    "UBSan opens a pipe (two descriptors) to check the type behind a virtual call, and "
    "reports a false error when it cannot; this test leaves fewer than two free (see "
    "tests/support/sanitizers.hpp)";

}  // namespace poetry::test

/// Skips the test in the sanitizer build, for the reason above.
#ifdef POETRY_SANITIZED
#define POETRY_SKIP_WHERE_UBSAN_NEEDS_DESCRIPTORS() \
    GTEST_SKIP() << ::poetry::test::kUbsanNeedsTwoFreeDescriptors
#else
#define POETRY_SKIP_WHERE_UBSAN_NEEDS_DESCRIPTORS() (void)0
#endif
