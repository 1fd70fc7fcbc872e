/// \file
/// \brief Asio's implementation, compiled once for the whole project.
// Asio is header-only by default, which makes every file that includes it compile
// all of Asio's implementation again. With BOOST_ASIO_SEPARATE_COMPILATION (set on
// the `poetry_asio` target and inherited by everything that links it) the
// implementation is compiled once, here, and the rest of the project only sees
// declarations. See Asio's "Separate Compilation" documentation.
#include <boost/asio/impl/src.hpp>
