#include "worker_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace itest {

std::string worker_binary() {
  if (const char* bin = std::getenv("CINEMA_WORKER_BIN"); bin != nullptr && *bin != '\0') {
    return bin;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string path = n > 0 ? std::string(self, static_cast<size_t>(n)) : "build/bin/x";
  return path.substr(0, path.rfind('/')) + "/worker";
}

int run_worker(const std::string& args, const std::string& env) {
  std::string log = std::getenv("CINEMA_RUN_DIR") != nullptr
                        ? std::string(std::getenv("CINEMA_RUN_DIR")) + "/log/worker-tests.log"
                        : "/dev/null";
  std::string cmd = env + " '" + worker_binary() + "' " + args + " >>'" + log + "' 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace itest
