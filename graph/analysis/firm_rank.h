// How analyses rank and describe firms for people: the tier of a
// credential (for 招商 candidates and substitutes) and bilingual labels.
// Internal to graph/analysis.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

#include "chainkg/v1/model.pb.h"
#include "graph/analysis/language.h"
#include "graph/view/view.h"

namespace chainkg::graph {

// The kind's tier (chain leader, single-item champion, little giant,
// specialized SME, high-tech enterprise, innovative SME, smart factory),
// then the level (national above provincial above municipal). 0: none.
int CredentialRank(const CredentialFact& credential);

// The firm's highest-ranked credential in force on as_of (kind
// UNSPECIFIED when none).
CredentialFact BestCredential(const View& view, ViewIndex firm,
                              DateNumber as_of);

// A credential with its level as a reason reads it: "国家级小巨人" or
// "national little giant 小巨人"; empty for UNSPECIFIED.
std::string CredentialText(const CredentialFact& credential, Language language);
// "量产" or "mass production 量产"; empty for UNSPECIFIED.
absl::string_view MaturityLabel(int maturity, Language language);

}  // namespace chainkg::graph
