// Secrets the reference server hands out and checks: drawn from a CSPRNG,
// kept only as SHA-256 digests, and compared in constant time.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace authconform::target {

using Digest = std::array<unsigned char, 32>;

// PREFIX followed by the hex of `random_bytes` bytes from OpenSSL's RAND_bytes.
// Throws std::runtime_error when the CSPRNG fails.
std::string random_secret(std::string_view prefix, std::size_t random_bytes);

Digest sha256(std::string_view bytes);
std::string to_hex(const Digest& digest);

// Constant-time comparison of two digests (CRYPTO_memcmp).
bool same_digest(const Digest& a, const Digest& b);

}  // namespace authconform::target
