#include "cinema/serve.h"
#include "seatmap.h"

int main() {
  return cinema::serve(cinema::seatmap::handle);
}
