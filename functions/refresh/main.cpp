#include "cinema/serve.h"
#include "refresh.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::refresh::router(), argc, argv);
}
