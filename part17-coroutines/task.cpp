/// \file
/// \brief TaskGroup: starting coroutines, and destroying their frames when they end.
#include "part17-coroutines/task.hpp"

#include <stdexcept>

#include "common/messages.hpp"

namespace poetry::coroutines {

namespace {
using Frame = std::coroutine_handle<Task::promise_type>;  // a Task's frame, as a handle
}  // namespace

void Task::promise_type::FinalAwaiter::await_suspend(Frame done) noexcept {
    // The body has ended and its locals are gone; the frame itself goes now. Whatever
    // resumed the body (a protocol callback, a delayed call) gets control back next.
    done.promise().group->ended(done);
}

void Task::promise_type::unhandled_exception() noexcept {
    // As the reactor does for a callback that throws: one line, and the loop goes on.
    logError("a coroutine");
}

// [spawn]
void TaskGroup::spawn(Task task) {
    Frame frame = std::exchange(task.frame_, {});  // the group owns it from here on
    if (!frame) {
        throw std::invalid_argument("TaskGroup::spawn: a Task that was moved from");
    }
    Task::promise_type& promise = frame.promise();
    promise.group = this;
    promise.next = first_;
    if (first_ != nullptr) {
        first_->previous = &promise;
    }
    first_ = &promise;
    ++running_;
    frame.resume();  // the body runs up to its first co_await that has to wait
}
// [spawn]

void TaskGroup::ended(Frame done) {
    Task::promise_type& promise = done.promise();
    (promise.previous != nullptr ? promise.previous->next : first_) = promise.next;
    if (promise.next != nullptr) {
        promise.next->previous = promise.previous;
    }
    done.destroy();
    if (--running_ == 0 && allDone_) {
        try {
            allDone_();
        } catch (...) {
            logError("the end of a task group");
        }
    }
}

// [destructor]
TaskGroup::~TaskGroup() {
    // The reactor stopped with these bodies still waiting: destroying a frame runs the
    // destructors of the locals its body had made so far, as a return from that
    // co_await would (a Connection lets go of its protocol and closes the connection).
    allDone_ = nullptr;  // nothing has finished: the program is ending
    while (first_ != nullptr) {
        Task::promise_type& promise = *first_;
        first_ = promise.next;    // unlinked first, so the list stays whole whatever
        if (first_ != nullptr) {  // that destroy does
            first_->previous = nullptr;
        }
        --running_;
        Frame::from_promise(promise).destroy();
    }
}
// [destructor]

}  // namespace poetry::coroutines
