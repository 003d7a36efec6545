#include "cinema/serve.h"
#include "admin-users.h"

int main() { return cinema::serve(cinema::admin_users::handle); }
