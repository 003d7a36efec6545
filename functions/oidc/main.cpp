#include "cinema/serve.h"
#include "oidc.h"

int main(int argc, char** argv) {
  return cinema::serve(cinema::oidc::router(), argc, argv);
}
