#include "admin-reads.h"
#include "cinema/serve.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::admin_reads::router(), argc, argv);
}
