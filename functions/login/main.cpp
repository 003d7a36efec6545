#include "cinema/serve.h"
#include "login.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::login::router(), argc, argv);
}
