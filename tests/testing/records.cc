#include "tests/testing/records.h"

#include "util/codes.h"

namespace chainkg::testing {

v1::Vertex MakeFirm(const std::string& key, const std::string& name,
                    const std::string& region_code,
                    const std::string& country) {
  v1::Vertex vertex;
  v1::Firm* firm = vertex.mutable_firm();
  firm->set_key(key);
  firm->set_name(name);
  firm->set_region_code(region_code);
  firm->set_country(country);
  return vertex;
}

v1::Vertex MakeProduct(const std::string& key, const std::string& name) {
  v1::Vertex vertex;
  vertex.mutable_product()->set_key(key);
  vertex.mutable_product()->set_name(name);
  return vertex;
}

v1::Vertex MakeChain(const std::string& key, const std::string& name) {
  v1::Vertex vertex;
  vertex.mutable_chain()->set_key(key);
  vertex.mutable_chain()->set_name(name);
  return vertex;
}

v1::Credential MakeCredential(v1::CredentialKind kind, v1::Level level,
                              int year) {
  v1::Credential credential;
  credential.set_kind(kind);
  credential.set_level(level);
  credential.set_year(year);
  return credential;
}

v1::VertexRef Ref(v1::VertexKind kind, const std::string& key) {
  v1::VertexRef ref;
  ref.set_kind(kind);
  ref.set_key(key);
  return ref;
}

v1::Edge MakeEdge(v1::EdgeKind kind, v1::VertexRef from, v1::VertexRef to) {
  v1::Edge edge;
  edge.set_kind(kind);
  *edge.mutable_from() = std::move(from);
  *edge.mutable_to() = std::move(to);
  return edge;
}

std::string ValidUscc(const std::string& first17) {
  return first17 + UsccCheckCharacter(first17);
}

}  // namespace chainkg::testing
