#include "worker.h"

int main(int argc, char** argv) {
  return cinema::worker::run(argc, argv);
}
