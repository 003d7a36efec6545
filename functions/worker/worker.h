// The scheduled worker (cron in production, the stack's scheduler locally):
//   worker --once          every task once, then exit
//   worker --for SECONDS   repeat the tasks until the time is up
// Overlapping runs are excluded by a lock file (CINEMA_WORKER_LOCK_FILE); a
// second run exits at once. SIGTERM ends the run after the current item.
#pragma once

namespace cinema::worker {

int run(int argc, char** argv);

}  // namespace cinema::worker
