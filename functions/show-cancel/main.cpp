#include "cinema/serve.h"
#include "show-cancel.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::show_cancel::router(), argc, argv);
}
