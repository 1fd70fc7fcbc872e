/// \file
/// \brief Protocol::makeConnection: the moment a protocol meets its transport.
#include "part05-protocols/protocol.hpp"

namespace poetry::protocols {

// [makeConnection]
void Protocol::makeConnection(Transport& transport) {
    transport_ = &transport;
    connected_ = true;
    connectionMade();
}
// [makeConnection]

}  // namespace poetry::protocols
