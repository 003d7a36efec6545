#include "cinema/serve.h"
#include "me.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::me::router(), argc, argv);
}
