/// \file
/// \brief Task and TaskGroup: a coroutine that runs on the reactor, and who owns it.
#pragma once

#include <coroutine>
#include <cstddef>
#include <functional>
#include <utility>

namespace poetry::coroutines {

class TaskGroup;

/// What a coroutine of this part returns: one download written as a coroutine
/// (`Task getPoem(...)`), ready to run but not running yet.
///
/// Calling the coroutine function makes its frame (its locals, where it stopped)
/// and stops before the first line of its body; TaskGroup::spawn() then takes the
/// frame and starts the body. From there on the body runs in pieces: up to its
/// first `co_await` inside spawn(), and every later piece inside a reactor callback
/// that resumes it (the bridge's dataReceived(), a delayed call), until it ends.
///
/// Ownership: a Task owns its frame until it is spawned; a Task that is never
/// spawned destroys the frame, and the body never runs.
class Task {
  public:
    /// The coroutine's promise: the compiler calls these at the body's start and end.
    struct promise_type {
        /// Called when the coroutine function is called: the Task that holds the frame.
        Task get_return_object() noexcept {
            return Task(std::coroutine_handle<promise_type>::from_promise(*this));
        }

        /// The body does not start when the function is called, but in TaskGroup::spawn().
        std::suspend_always initial_suspend() noexcept { return {}; }

        /// Called when the body has ended: tells the group, which destroys the frame.
        struct FinalAwaiter {
            /// Never ready: the frame stays until await_suspend() hands it to its group.
            bool await_ready() noexcept { return false; }
            /// Hands the ended coroutine to its group (TaskGroup::ended()).
            void await_suspend(std::coroutine_handle<promise_type> done) noexcept;
            /// Never called: an ended coroutine is never resumed.
            void await_resume() noexcept {}
        };

        /// The body has ended: see FinalAwaiter.
        FinalAwaiter final_suspend() noexcept { return {}; }

        /// Called at `co_return;` or at the end of the body: nothing to keep.
        void return_void() noexcept {}

        /// Called when an exception left the body: reported as one line on stderr, as
        /// the reactor reports an exception that leaves a callback, and the task ends.
        void unhandled_exception() noexcept;

        TaskGroup* group = nullptr;        ///< The group that owns the frame, once spawned.
        promise_type* previous = nullptr;  ///< The group's list of running tasks.
        promise_type* next = nullptr;      ///< The group's list of running tasks.
    };

    /// Destroys the frame, unless a TaskGroup took it.
    ~Task() {
        if (frame_) {
            frame_.destroy();
        }
    }

    /// Moves the frame to another Task (a coroutine's Task is returned by value).
    Task(Task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
    Task& operator=(Task&&) = delete;

  private:
    friend class TaskGroup;

    explicit Task(std::coroutine_handle<promise_type> frame) : frame_(frame) {}

    std::coroutine_handle<promise_type> frame_;
};

/// Owns coroutines while they run: each frame from spawn() until its body ends, and
/// every frame still suspended when the group is destroyed.
///
/// A program makes one, after its reactor (Asio's co_spawn does the same job with an
/// io_context: the context owns the coroutines spawned on it). It calls spawn() once
/// per download, then reactor.run(); `allDone` runs when the last body has ended, so
/// it is where the program stops the reactor. If the reactor stops early (a signal, a
/// fatal error), some bodies are still suspended, waiting for a chunk that will never
/// come: destroying the group destroys their frames, and with them their locals, in
/// the reverse order of their construction, as if each body had returned there. So
/// the group must go before the reactor and whatever else those locals refer to:
/// declare it after them.
class TaskGroup {
  public:
    /// A group that calls `allDone` (if given) each time its last running task ends.
    explicit TaskGroup(std::function<void()> allDone = {}) : allDone_(std::move(allDone)) {}

    /// Destroys the frames of the tasks still running, newest first. Called when the
    /// program ends, after reactor.run() has returned.
    ~TaskGroup();

    TaskGroup(const TaskGroup&) = delete;             ///< Tasks point to their group.
    TaskGroup& operator=(const TaskGroup&) = delete;  ///< Not assignable either.

    /// Takes `task`'s frame and starts its body, which runs until its first `co_await`
    /// that must wait, and then returns here. Called by a program before reactor.run()
    /// (or by a coroutine, to start another). A body that ends before it ever waits
    /// ends in here, and if it was the last, `allDone` runs in here too. Throws
    /// std::invalid_argument for a Task whose frame was moved to another.
    void spawn(Task task);

    /// How many spawned bodies have not ended yet.
    std::size_t running() const { return running_; }

  private:
    friend struct Task::promise_type::FinalAwaiter;

    // Called at the end of a body: unlinks its frame, destroys it, and calls allDone_
    // if it was the last.
    void ended(std::coroutine_handle<Task::promise_type> done);

    std::function<void()> allDone_;
    Task::promise_type* first_ = nullptr;  // the running tasks, newest first
    std::size_t running_ = 0;
};

}  // namespace poetry::coroutines
