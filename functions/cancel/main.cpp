#include "cancel.h"
#include "cinema/serve.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::cancel::router(), argc, argv);
}
