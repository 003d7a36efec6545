#include "cinema/serve.h"
#include "metrics.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::metrics::router(), argc, argv);
}
