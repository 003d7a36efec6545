#include "cinema/serve.h"
#include "logout.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::logout::router(), argc, argv);
}
