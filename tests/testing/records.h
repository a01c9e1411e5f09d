// Builders for small domain records used across the test tiers.
#pragma once

#include <string>

#include "chainkg/v1/model.pb.h"

namespace chainkg::testing {

v1::Vertex MakeFirm(const std::string& key, const std::string& name,
                    const std::string& region_code = "441900",
                    const std::string& country = "");
v1::Vertex MakeProduct(const std::string& key, const std::string& name);
v1::Vertex MakeChain(const std::string& key, const std::string& name);
v1::Credential MakeCredential(v1::CredentialKind kind, v1::Level level,
                              int year);
v1::VertexRef Ref(v1::VertexKind kind, const std::string& key);
v1::Edge MakeEdge(v1::EdgeKind kind, v1::VertexRef from, v1::VertexRef to);

// A valid USCC with the given 17-character body (check digit appended).
std::string ValidUscc(const std::string& first17);

}  // namespace chainkg::testing
