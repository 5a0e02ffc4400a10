// The generators of fuzzed sequences: a weighted mix of admin steps (with a
// working admin credential, so sequences reach deep states), fixture steps and
// requests with credentials drawn from what exists in the state (live,
// deactivated, deleted and made-up tokens; right and wrong passwords; every
// role; OAuth with and without scopes, revoked; malformed headers).
//
// Thread safety: the generators are plain functions of (Random, state, bias)
// written without gen::exec, `*gen`, RC_TAG or RC_LOG. Those are the only
// parts of RapidCheck that use its process-wide implicit-parameter stacks
// (static, not thread_local, in detail/ImplicitParam.h), so generating and
// shrinking these sequences is safe from several threads at once. Keep it so.
#pragma once

#include "runner/fuzz_coverage.h"
#include "runner/fuzz_steps.h"

#include <rapidcheck.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace authconform::runner {

using FuzzCommandPtr = std::shared_ptr<const FuzzCommandBase>;

// Where generation leans: toward the cells a coverage map has not visited,
// as a snapshot of that map (CoverageBias). The snapshot is fixed for a
// batch, so a batch's sequences and their shrinks are a function of the batch
// seed alone. Null: no leaning.
using GenerationBias = std::shared_ptr<const CoverageBias>;

// One command for `state`. The generator reads `state` only while it is
// called (as rc::state::gen::commands does), so it keeps a pointer to it.
rc::Gen<FuzzCommandPtr> fuzz_command_gen(const FuzzState& state, GenerationBias bias);

// Sequences of 1 to max_steps commands from a new account of `policy` holding
// the cast, each command valid in the state the previous ones leave.
rc::Gen<FuzzSequence> fuzz_sequence_gen(model::PolicyConfig policy, GenerationBias bias);
// The generation size that gives sequences of 1 to max_steps commands.
int fuzz_sequence_size(int max_steps);

// --- the search's fast path ----------------------------------------------------
//
// The search needs only the value of a generated sequence, and only up to its
// first mismatch; RapidCheck's Shrinkable machinery is needed only to shrink.
// These give the same commands as the generators above from the same Random,
// without that machinery.

// The command fuzz_command_gen(state, bias) generates from `random` (the value
// of its Shrinkable; the generation size plays no part).
FuzzCommandPtr make_fuzz_command(const rc::Random& random, const FuzzState& state, const CoverageBias* bias);

// The commands of fuzz_sequence_gen(policy, bias)(random, size).value(), one
// at a time: the same splits of `random` as rc::state::gen::commands makes
// (its CommandSequence: the count from a split, then per command up to 100
// tries, each from a split, keeping the first whose preconditions hold).
// The caller applies each command to its state before asking for the next.
class SequenceDraws {
 public:
  SequenceDraws(const rc::Random& random, int size);
  std::size_t count() const { return m_count; }  // commands in the sequence, 1..size+1
  // The next command, valid in `state` (what the commands before it left).
  // Null when 100 tries fail, where RapidCheck throws a GenerationFailure.
  FuzzCommandPtr next(const FuzzState& state, const CoverageBias* bias);

 private:
  rc::Random m_random;
  std::size_t m_count = 0;
};

// Token and OAuth names the generator uses; the *_made_up names are never
// generated, so they stand for made-up secrets.
inline constexpr std::string_view k_made_up_token = "t0";
inline constexpr std::string_view k_made_up_oauth = "o0";
inline constexpr int k_fuzz_token_names = 8;  // t1..t8
inline constexpr int k_fuzz_oauth_names = 4;  // o1..o4

// The fixed malformed headers the generator sends (each one ANO-2 under the model).
const std::vector<std::string>& malformed_headers();

}  // namespace authconform::runner
