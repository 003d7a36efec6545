// Runs the scheduled worker (build/bin/worker, beside this test binary) with
// the stack's environment, as cron or the local scheduler would.
#pragma once

#include <string>

namespace itest {

// `env` is prepended to the command line (e.g. "CINEMA_WEBHOOK_URL=... ").
// Returns the exit code.
int run_worker(const std::string& args = "--once", const std::string& env = "");
// Path of the worker binary.
std::string worker_binary();

}  // namespace itest
