#include "cinema/serve.h"
#include "seatmap.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::seatmap::router(), argc, argv);
}
