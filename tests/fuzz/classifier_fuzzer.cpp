// libFuzzer target: classifying a target's HTTP answers against the default
// profile (profiles/zendesk.yaml), as runner/http_target.cpp does with
// runner/response_classifier.h.
//
// Input encoding: a conversation of HTTP answers, as text. Answers are
// separated by a line holding exactly "===". Each answer is
//
//   OPERATION STATUS        e.g. "create_account 201" (one space between)
//   Header-Name: value      any number of header lines
//                           an empty line
//   BODY                    everything up to the next "===" line, verbatim
//
// OPERATION is an operation of the profile (create_account, me, tickets,
// generate_token, ...); STATUS a decimal number (anything else reads as 0).
// The text "http://target.test" in a body stands for the test server's own
// origin (so seeds can carry realistic absolute base URLs).
//
// Each input is used twice:
//  1. Directly: every answer's status is classified and its body read (reason,
//     every read pointer, IDs) for its operation (for every operation when
//     the name is unknown), with any status and any bytes.
//  2. Over HTTP, when the first answer is create_account: a loopback server
//     in this process plays the answers in order to a real HTTP target
//     (runner/http_target.h): the first opens an account with two users,
//     each following answer answers one canned request of its operation, and
//     what is left answers the account's deletion (an empty 204 after that).
//     The conversation stops at an operation that is not a request
//     (create_account, delete_account, unknown) and at the first TargetError.
//     On the wire the status is clamped to 200..599 (1xx answers are interim
//     and 204/304 carry no body), Content-Length and Transfer-Encoding header
//     lines are dropped (the server frames the body), and the HTTP stage is
//     skipped when the account's base URL would lead to another origin (the
//     fuzzer must not connect elsewhere).
// TargetError is the documented error of the HTTP target and the only one
// this target catches; anything else thrown, a crash, a hang or a sanitizer
// report is a bug.
#include "runner/http_target.h"
#include "runner/response_classifier.h"
#include "tests/fuzz/fuzz_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace authconform;
using Json = nlohmann::ordered_json;

constexpr std::string_view k_separator = "\n===\n";
constexpr std::string_view k_origin_placeholder = "http://target.test";

struct Answer {
  std::string operation;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

int parse_status(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return text.starts_with('-') ? std::numeric_limits<int>::min()
                                                                         : std::numeric_limits<int>::max();
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  if (value < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  if (value > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  return static_cast<int>(value);
}

std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
}

Answer parse_answer(std::string_view block) {
  Answer answer;
  const std::string_view first = next_line(block);
  const std::size_t space = first.find(' ');
  answer.operation = std::string(first.substr(0, space));
  if (space != std::string_view::npos) answer.status = parse_status(first.substr(space + 1));
  while (!block.empty()) {
    const std::string_view line = next_line(block);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (value.starts_with(' ')) value.remove_prefix(1);
    answer.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  answer.body = std::string(block);
  return answer;
}

std::vector<Answer> parse_conversation(std::string_view text, const std::string& origin) {
  std::vector<Answer> answers;
  while (true) {
    const std::size_t end = text.find(k_separator);
    answers.push_back(parse_answer(text.substr(0, end)));
    std::string& body = answers.back().body;
    for (std::size_t at = body.find(k_origin_placeholder); at != std::string::npos;
         at = body.find(k_origin_placeholder, at + origin.size()))
      body.replace(at, k_origin_placeholder.size(), origin);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + k_separator.size());
  }
  return answers;
}

const runner::Profile& zendesk() {
  static const runner::Profile profile = [] {
    runner::ProfileLoad load = runner::load_profile_file(runner::default_profile_path());
    if (!load.profile) fuzz::contract_broken("cannot load " + runner::default_profile_path());
    return std::move(*load.profile);
  }();
  return profile;
}

// --- 1. the classifier's functions, directly ----------------------------------

void classify_directly(const runner::ProfileOperation& op, const Answer& answer, const Json* body) {
  const auto kind = runner::classify_status(op.responses, answer.status);
  (void)runner::describe_rules(op.responses);
  std::string raw;
  const model::Reason reason = runner::read_reason(zendesk(), op.responses, body, &raw);
  if (reason != model::Reason::none && zendesk().reason_for(raw) != reason)
    fuzz::contract_broken("read_reason's raw text does not give its reason");
  // zendesk.yaml maps exact 4xx codes and the class 2xx: nothing else is classified.
  if (kind && !(answer.status >= 200 && answer.status <= 499))
    fuzz::contract_broken("status " + std::to_string(answer.status) + " classified");
  if (!body) return;
  for (const auto& [field, pointer] : op.read) {
    const Json* value = runner::find_at(*body, pointer);
    if (value && value->is_array())
      for (const Json& item : *value)
        for (const auto& [inner_field, inner_pointer] : op.read)
          if (const Json* inner = runner::find_at(item, inner_pointer)) (void)runner::id_text(*inner);
    if (value) (void)runner::id_text(*value);
  }
}

void classify_all_directly(const std::vector<Answer>& answers) {
  for (const Answer& answer : answers) {
    // The HTTP target parses bodies the same way (http_target.cpp, send).
    Json parsed = Json::parse(answer.body, nullptr, false);
    const Json* body = parsed.is_discarded() ? nullptr : &parsed;
    const auto it = zendesk().operations.find(answer.operation);
    if (it != zendesk().operations.end()) {
      classify_directly(it->second, answer, body);
    } else {
      for (const auto& [name, op] : zendesk().operations) classify_directly(op, answer, body);
    }
  }
}

// --- 2. a loopback server playing the answers ---------------------------------

// One thread serves every connection with poll(), reusing its buffers. It
// allocates nothing while it serves: an allocation freed during another
// input makes libFuzzer run a full (slow) leak check after each input.
class ScriptedServer {
 public:
  ScriptedServer() {
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(m_listener, 16) != 0 ||
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      fuzz::contract_broken("cannot start the loopback server");
    m_origin = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    m_slots.resize(k_slots);
    for (Slot& slot : m_slots) slot.buffer.reserve(1 << 16);
    m_polled.reserve(k_slots + 1);
    std::thread([this] { run(); }).detach();
  }
  const std::string& origin() const { return m_origin; }

  // The responses for the next requests, in order; script({}) when the
  // input is done, so that its responses are freed while it runs.
  void script(std::vector<std::string> responses) {
    std::lock_guard lock(m_mutex);
    m_responses = std::move(responses);
    m_next = 0;
  }

 private:
  static constexpr std::size_t k_slots = 8;
  struct Slot {
    int fd = -1;
    std::string buffer;  // bytes of requests not answered yet
  };

  void run() {
    while (true) {
      m_polled.assign(1, pollfd{m_listener, POLLIN, 0});
      for (const Slot& slot : m_slots)
        if (slot.fd >= 0) m_polled.push_back(pollfd{slot.fd, POLLIN, 0});
      if (::poll(m_polled.data(), m_polled.size(), -1) <= 0) continue;
      for (std::size_t i = 1; i < m_polled.size(); ++i)
        if (m_polled[i].revents != 0) serve(slot_of(m_polled[i].fd));
      if (m_polled[0].revents & POLLIN) accept_one();
    }
  }

  Slot& slot_of(int fd) {
    for (Slot& slot : m_slots)
      if (slot.fd == fd) return slot;
    fuzz::contract_broken("polled a socket without a slot");
  }

  // The oldest connection makes room when all slots are taken.
  void accept_one() {
    const int fd = ::accept(m_listener, nullptr, nullptr);
    if (fd < 0) return;
    // As set_tcp_nodelay(true) on httplib servers: no Nagle delay on small answers.
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    Slot* free_slot = &m_slots.front();
    for (Slot& slot : m_slots)
      if (slot.fd < 0) free_slot = &slot;
    close_slot(*free_slot);
    free_slot->fd = fd;
  }

  void close_slot(Slot& slot) {
    if (slot.fd >= 0) ::close(slot.fd);
    slot.fd = -1;
    slot.buffer.clear();
  }

  // Reads what arrived and answers every complete request with the next response.
  void serve(Slot& slot) {
    char chunk[4096];
    const ssize_t n = ::recv(slot.fd, chunk, sizeof chunk, 0);
    if (n <= 0) return close_slot(slot);
    slot.buffer.append(chunk, static_cast<std::size_t>(n));
    while (const std::size_t length = complete_request(slot.buffer)) {
      slot.buffer.erase(0, length);
      static const std::string k_no_content = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
      std::lock_guard lock(m_mutex);  // script() waits until the response is sent
      const std::string& response = m_next < m_responses.size() ? m_responses[m_next++] : k_no_content;
      if (::send(slot.fd, response.data(), response.size(), MSG_NOSIGNAL) < 0) return close_slot(slot);
    }
  }

  // The length of the first request in `buffer` (head and Content-Length
  // body), or 0 while it is incomplete.
  static std::size_t complete_request(const std::string& buffer) {
    const std::size_t head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) return 0;
    std::size_t body_length = 0;
    for (std::size_t at = buffer.find('\n'); at < head_end; at = buffer.find('\n', at + 1)) {
      constexpr std::string_view k_name = "content-length:";
      std::size_t k = 0;
      while (k < k_name.size() && at + 1 + k < head_end &&
             std::tolower(static_cast<unsigned char>(buffer[at + 1 + k])) == k_name[k])
        ++k;
      if (k == k_name.size()) body_length = std::strtoul(buffer.c_str() + at + 1 + k, nullptr, 10);
    }
    const std::size_t total = head_end + 4 + body_length;
    return buffer.size() >= total ? total : 0;
  }

  int m_listener = -1;
  std::string m_origin;
  std::vector<Slot> m_slots;
  std::vector<pollfd> m_polled;
  std::mutex m_mutex;
  std::vector<std::string> m_responses;
  std::size_t m_next = 0;
};

ScriptedServer& server() {
  static ScriptedServer* instance = new ScriptedServer();  // lives as long as its thread
  return *instance;
}

bool is_framing_header(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "content-length" || lower == "transfer-encoding";
}

std::string wire_response(const Answer& answer) {
  const int status = std::clamp(answer.status, 200, 599);
  const bool bodiless = status == 204 || status == 304;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " Fuzz\r\n";
  for (const auto& [name, value] : answer.headers)
    if (!is_framing_header(name)) out += name + ": " + value + "\r\n";
  const std::string_view body = bodiless ? std::string_view() : std::string_view(answer.body);
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

// The account's base URL as the HTTP target will resolve it stays on the server.
bool stays_on_server(const Answer& create) {
  const Json body = Json::parse(create.body, nullptr, false);
  if (body.is_discarded()) return true;
  const Json* base = runner::find_at(body, zendesk().operation("create_account").read.at("base_url"));
  if (!base || !base->is_string()) return true;
  try {
    const runner::ParsedUrl root = runner::parse_url(server().origin());
    return runner::resolve_url(root, base->get<std::string>()).origin() == root.origin();
  } catch (const std::invalid_argument&) {
    return true;  // the HTTP target reports an unusable base URL itself
  }
}

std::optional<model::Request> canned_request(std::string_view operation) {
  using namespace model;
  const Credential admin = OAuthCredential{"admin-oauth"};
  const std::vector<std::pair<std::string_view, Request>> requests = {
      {"me", {ProbeOp{Probe::me}, admin}},
      {"tickets", {ProbeOp{Probe::tickets}, PasswordCredential{"ann@example.test", "pw-ann-1"}}},
      {"read_settings", {ReadSettingsOp{}, TokenCredential{"${email:admin}", "t1"}}},
      {"update_settings", {UpdateSettingsOp{true, true, false, false, true}, admin}},
      {"list_tokens", {ListTokensOp{}, admin}},
      {"generate_token", {GenerateTokenOp{"t1"}, admin}},
      {"activate_token", {SetTokenActiveOp{"t1", true}, admin}},
      {"deactivate_token", {SetTokenActiveOp{"t1", false}, admin}},
      {"delete_token", {DeleteTokenOp{"t1"}, admin}},
      {"issue_oauth", {IssueOAuthOp{"o1", "ann", true, false}, admin}},
      {"revoke_oauth", {RevokeOAuthOp{"o1"}, OAuthCredential{"o1"}}},
      {"add_user", {AddUserOp{"cy", "cy@example.test", Role::agent, "pw-cy-1", false}, NoCredential{}}},
      {"set_password", {SetPasswordOp{"ann", "pw-ann-2"}, NoCredential{}}},
      {"enroll_2fa", {SetTwoFactorEnrolledOp{"bob", true}, NoCredential{}}},
      {"require_2fa", {SetTwoFactorRequiredOp{true}, NoCredential{}}},
      {"agent_password_access", {SetAgentPasswordAccessOp{true}, NoCredential{}}},
  };
  for (const auto& [name, request] : requests)
    if (name == operation) return request;
  return std::nullopt;
}

void converse(const std::vector<Answer>& answers) {
  if (answers.front().operation != "create_account" || !stays_on_server(answers.front())) return;
  std::vector<std::string> responses;
  for (const Answer& answer : answers) responses.push_back(wire_response(answer));
  server().script(std::move(responses));
  runner::HttpOptions options;
  options.url = server().origin();
  options.connect_timeout_s = 1;
  options.request_timeout_s = 2;
  const auto target = runner::make_http_target(options, zendesk());
  const std::vector<runner::ScenarioUser> users = {
      {"ann", "ann@example.test", model::Role::end_user, "pw-ann-1", false},
      {"bob", "bob@example.test", model::Role::agent, "pw-bob-1", true}};
  try {
    const auto session = target->open_account(users);
    for (std::size_t i = 1; i < answers.size(); ++i) {
      const auto request = canned_request(answers[i].operation);
      if (!request) break;
      (void)session->execute(*request);
    }
  } catch (const runner::TargetError&) {
    // The documented way a target's answer is refused.
  }
  server().script({});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<Answer> answers = parse_conversation(fuzz::as_text(data, size), server().origin());
  classify_all_directly(answers);
  converse(answers);
  return 0;
}
