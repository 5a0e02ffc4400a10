#include "target/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace authconform::target {
namespace {

std::string hex_of(const unsigned char* data, std::size_t size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(k_digits[data[i] >> 4]);
    out.push_back(k_digits[data[i] & 0x0F]);
  }
  return out;
}

}  // namespace

std::string random_secret(std::string_view prefix, std::size_t random_bytes) {
  std::vector<unsigned char> bytes(random_bytes);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system CSPRNG (OpenSSL RAND_bytes) failed");
  return std::string(prefix) + hex_of(bytes.data(), bytes.size());
}

Digest sha256(std::string_view bytes) {
  // OpenSSL 3's SHA256() looks the algorithm up on every call (EVP_Q_digest),
  // a third of a token check's cost; fetch it once (thread-safe static).
  static EVP_MD* const k_sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Digest digest{};
  unsigned int size = 0;
  if (k_sha256 == nullptr || EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, k_sha256, nullptr) != 1)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return digest;
}

std::string to_hex(const Digest& digest) { return hex_of(digest.data(), digest.size()); }

bool same_digest(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace authconform::target
