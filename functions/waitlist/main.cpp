#include "cinema/serve.h"
#include "waitlist.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::waitlist::router(), argc, argv);
}
