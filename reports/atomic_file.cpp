#include "reports/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, std::string_view what, int error) {
  throw std::runtime_error("cannot write report file '" + path + "': " + std::string(what) + ": " +
                           std::strerror(error));
}

// Owns the temporary file until it is renamed into place.
class TempFile {
 public:
  TempFile(const std::string& path, const fs::path& folder) : m_path(path) {
    std::string pattern = (folder / ("." + fs::path(path).filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    m_fd = ::mkstemp(name.data());
    if (m_fd < 0) fail(m_path, "cannot create a temporary file in '" + folder.string() + "'", errno);
    m_temp = name.data();
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
  }

  void write_all(std::string_view contents) {
    while (!contents.empty()) {
      const ssize_t n = ::write(m_fd, contents.data(), contents.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(m_path, "write failed", errno);
      contents.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  void commit() {
    if (::fchmod(m_fd, 0644) != 0) fail(m_path, "cannot set permissions", errno);
    if (::fsync(m_fd) != 0) fail(m_path, "fsync failed", errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) fail(m_path, "close failed", errno);
    if (::rename(m_temp.c_str(), m_path.c_str()) != 0) fail(m_path, "rename failed", errno);
    m_temp.clear();
  }

 private:
  std::string m_path;
  std::string m_temp;
  int m_fd = -1;
};

// The rename is durable only once the folder's entry is on disk; failing to
// sync a folder (some file systems refuse) does not undo the write.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  if (path.empty()) throw std::runtime_error("cannot write report file: the path is empty");
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) fail(path, "cannot create folder '" + folder.string() + "'", ec.value());
  if (!fs::path(path).has_filename() || fs::is_directory(path, ec))
    throw std::runtime_error("cannot write report file '" + path + "': it is a folder (give a file name)");
  TempFile temp(path, folder);
  temp.write_all(contents);
  temp.commit();
  sync_folder(folder);
}

}  // namespace authconform::reports
