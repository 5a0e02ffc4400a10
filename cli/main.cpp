// The thin main: everything is in the libraries; see runner/cli.h.
#include "runner/cli.h"

#include <iostream>

int main(int argc, char** argv) {
  return authconform::runner::run_cli(argc, argv, std::cout, std::cerr);
}
