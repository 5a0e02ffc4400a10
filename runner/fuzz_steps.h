// The pieces of RapidCheck's stateful testing (rc::state) that fuzzing is
// built on: the model state commands are generated against, and the command
// itself, an immutable step (or, for the token-limit fill, a fixed run of
// steps) with preconditions, its effect on the model, and a printable form.
#pragma once

#include "model/policy_model.h"
#include "runner/scenario.h"
#include "runner/target.h"

#include <rapidcheck/state.h>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace authconform::runner {

// The state a generated sequence is checked against: the model's account,
// plus the names the scenario format lets a sequence use only once.
struct FuzzState {
  model::PolicyConfig policy;
  model::AccountState account;
  std::vector<std::string> token_names_used;  // by generate_token steps, granted or refused
  std::vector<std::string> oauth_names_used;  // by issue_oauth steps, granted or refused

  bool token_name_used(std::string_view name) const;
  bool oauth_name_used(std::string_view name) const;
};

// The users every fuzzed account is created with, besides the built-in admin:
// an end user, a second end user enrolled in 2FA, an agent enrolled in 2FA
// (with ':' and a non-ASCII letter in the password) and an admin.
const std::vector<ScenarioUser>& fuzz_cast();
// A new account of the policy with the cast in it (what open_account(fuzz_cast()) creates).
FuzzState initial_fuzz_state(model::PolicyConfig policy);

// The System Under Test type of the commands. Fuzzing runs commands itself
// (fuzz_engine.h) rather than through Command::run, so that it can compare
// each outcome, count rules and stop at the first mismatch.
using FuzzSut = AccountSession;

class FuzzCommand final : public rc::state::Command<FuzzState, FuzzSut> {
 public:
  explicit FuzzCommand(model::Request request);
  explicit FuzzCommand(std::vector<model::Request> requests);  // a fixed run, in order

  const std::vector<model::Request>& requests() const { return m_requests; }

  // RC_PRE on every name the steps need: users that exist, token and OAuth
  // names not used before (shrinking removes steps, so a command may meet a
  // state it was not generated for; RapidCheck then regenerates it).
  void checkPreconditions(const FuzzState& state) const override;
  // What checkPreconditions checks, without the exception: true when it passes.
  bool preconditions_hold(const FuzzState& state) const;
  void apply(FuzzState& state) const override;
  // Without secrets (describe_step).
  void show(std::ostream& os) const override;

 private:
  std::vector<model::Request> m_requests;
};

using FuzzCommandBase = rc::state::Command<FuzzState, FuzzSut>;
using FuzzSequence = rc::state::Commands<FuzzCommandBase>;

// Every FuzzCommand of the sequence is a FuzzCommand (the only command type).
const FuzzCommand& as_fuzz_command(const FuzzCommandBase& command);
// The sequence as scenario steps, in order, with `kind` as the scenario format names it.
std::vector<Step> sequence_steps(const FuzzSequence& sequence);
std::size_t sequence_request_count(const FuzzSequence& sequence);
// The scenario step keyword of an operation: request, set, accept_agreement, ...
std::string step_kind_of(const model::Operation& op);

// Checks the preconditions of one request against `state` (the parts
// checkPreconditions checks), without RapidCheck: the reason, or "" when valid.
std::string request_precondition_failure(const FuzzState& state, const model::Request& request);
// Applies one request to the state: the model's decision, and the names it used.
model::Decision apply_request(FuzzState& state, const model::Request& request);

}  // namespace authconform::runner
