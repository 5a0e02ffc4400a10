#include "target/reference_server.h"

#include "target/fault_front.h"
#include "target/routes.h"
#include "target/service.h"

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace authconform::target {
namespace {

// A keep-alive connection holds a worker while it is open, so there are more
// workers than a runner normally opens connections.
constexpr std::size_t k_worker_threads = 32;
constexpr std::size_t k_keep_alive_requests = 1000;

using Installer = void (*)(httplib::Server&, Service&);

Installer installer_for(const std::string& variant) {
  if (variant == "zendesk") return install_zendesk_routes;
  if (variant == "acme") return install_acme_routes;
  throw std::invalid_argument("unknown variant '" + variant + "'; valid variants: zendesk acme");
}

FaultMode checked_fault(const ServerOptions& options) {
  const FaultMode mode = fault_from_name(options.fault);
  if (options.fault_after < 0)
    throw std::invalid_argument("fault_after must be 0 or more, not " + std::to_string(options.fault_after));
  return mode;
}

}  // namespace

struct ReferenceServer::Impl {
  ServerOptions options;
  Service service;
  httplib::Server server;
  FaultMode fault;
  std::unique_ptr<FaultFront> front;  // with a fault: owns the public port
  std::thread listener;
  int port = 0;
  std::mutex join_mutex;  // one thread joins `listener`
  std::mutex mutex;       // guards `started` and `finished`
  std::condition_variable stopped;
  bool started = false;
  bool finished = false;

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        service(Engine(options.policy, options.mutant), options.max_body_bytes),
        fault(checked_fault(options)) {
    installer_for(options.variant)(server, service);
    server.set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which would let a second server
    // share a port already in use instead of failing to bind.
    server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_payload_max_length(options.max_body_bytes);
    server.set_keep_alive_max_count(k_keep_alive_requests);
    server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.body.clear();  // the variant's error handler words it
    });
  }

  int bind_public();        // returns the port
  int bind_behind_front();  // with a fault; returns the front's port
};

int ReferenceServer::Impl::bind_public() {
  const std::string& host = options.host;
  const int bound = options.port == 0 ? server.bind_to_any_port(host)
                                      : (server.bind_to_port(host, options.port) ? options.port : -1);
  if (bound <= 0)
    throw std::runtime_error("cannot bind " + host + ":" + std::to_string(options.port) +
                             " (in use, or not a local address?)");
  return bound;
}

// The server listens on a loopback port of its own; the front takes the
// public address and forwards to it.
int ReferenceServer::Impl::bind_behind_front() {
  const int backend = server.bind_to_any_port("127.0.0.1");
  if (backend <= 0) throw std::runtime_error("cannot bind a loopback port for the server behind the fault front");
  front = std::make_unique<FaultFront>(
      FaultFrontOptions{options.host, options.port, fault, options.fault_after, options.variant, backend});
  return front->start();
}

ReferenceServer::ReferenceServer(ServerOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

ReferenceServer::~ReferenceServer() { stop(); }

int ReferenceServer::start() {
  Impl& impl = *m_impl;
  {
    const std::lock_guard lock(impl.mutex);
    if (impl.started) throw std::logic_error("the reference server was already started");
  }
  impl.port = impl.fault == FaultMode::none ? impl.bind_public() : impl.bind_behind_front();
  impl.service.set_url(url());
  {
    const std::lock_guard lock(impl.mutex);
    impl.started = true;
  }
  impl.listener = std::thread([&impl] {
    impl.server.listen_after_bind();
    const std::lock_guard lock(impl.mutex);
    impl.finished = true;
    impl.stopped.notify_all();
  });
  // stop() can only interrupt a server that is already listening.
  while (!impl.server.is_running()) {
    const std::lock_guard lock(impl.mutex);
    if (impl.finished) break;
    std::this_thread::yield();
  }
  return impl.port;
}

void ReferenceServer::stop() {
  Impl& impl = *m_impl;
  // The front first: it wakes its stalled answers and closes its connections.
  if (impl.front) impl.front->stop();
  impl.server.stop();
  const std::lock_guard lock(impl.join_mutex);
  if (impl.listener.joinable()) impl.listener.join();
}

std::string ReferenceServer::url() const {
  return "http://" + m_impl->options.host + ":" + std::to_string(m_impl->port);
}

void ReferenceServer::wait() {
  Impl& impl = *m_impl;
  std::unique_lock lock(impl.mutex);
  impl.stopped.wait(lock, [&impl] { return impl.finished || !impl.started; });
}

}  // namespace authconform::target
