#!/usr/bin/python3
"""A client that is not ours: Debian's python3-grpcio against chainkg-server.

Starts the real server binary on a free loopback port, then, the way a
research tool in another language would:
  1. asks grpc.health.v1.Health for SERVING;
  2. lists the services through server reflection (v1alpha) and fetches the
     GraphService descriptors from it;
  3. builds request messages from those descriptors alone (no generated code)
     and calls GraphService: upsert a firm with a Chinese name, read it back,
     and send a malformed USCC, expecting INVALID_ARGUMENT naming the field;
  4. stops the server with SIGTERM and expects a clean exit.
Run with Debian's /usr/bin/python3 (python3-grpcio, python3-protobuf).
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import any_pb2
from google.protobuf import descriptor_pb2
from google.protobuf import descriptor_pool
from google.protobuf import json_format
from google.protobuf import message_factory

FDP = descriptor_pb2.FieldDescriptorProto


def message_class(pool, full_name):
    descriptor = pool.FindMessageTypeByName(full_name)
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.21
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def add_field(message, name, number, kind, label=FDP.LABEL_OPTIONAL,
              type_name=None, oneof_index=None):
    field = message.field.add(name=name, number=number, type=kind, label=label)
    if type_name:
        field.type_name = type_name
    if oneof_index is not None:
        field.oneof_index = oneof_index


def standard_protos_pool():
    """Health, reflection v1alpha and google.rpc.Status, declared from their
    published schemas (Debian ships no .proto files for them)."""
    pool = descriptor_pool.DescriptorPool()
    any_file = descriptor_pb2.FileDescriptorProto()
    any_pb2.DESCRIPTOR.CopyToProto(any_file)
    pool.Add(any_file)

    health = descriptor_pb2.FileDescriptorProto(
        name="grpc/health/v1/health.proto", package="grpc.health.v1",
        syntax="proto3")
    request = health.message_type.add(name="HealthCheckRequest")
    add_field(request, "service", 1, FDP.TYPE_STRING)
    response = health.message_type.add(name="HealthCheckResponse")
    add_field(response, "status", 1, FDP.TYPE_INT32)  # enum on the wire
    pool.Add(health)

    reflection = descriptor_pb2.FileDescriptorProto(
        name="reflection/v1alpha/reflection.proto",
        package="grpc.reflection.v1alpha", syntax="proto3")
    request = reflection.message_type.add(name="ServerReflectionRequest")
    request.oneof_decl.add(name="message_request")
    add_field(request, "host", 1, FDP.TYPE_STRING)
    add_field(request, "file_containing_symbol", 4, FDP.TYPE_STRING,
              oneof_index=0)
    add_field(request, "list_services", 7, FDP.TYPE_STRING, oneof_index=0)
    files = reflection.message_type.add(name="FileDescriptorResponse")
    add_field(files, "file_descriptor_proto", 1, FDP.TYPE_BYTES,
              FDP.LABEL_REPEATED)
    service = reflection.message_type.add(name="ServiceResponse")
    add_field(service, "name", 1, FDP.TYPE_STRING)
    services = reflection.message_type.add(name="ListServiceResponse")
    add_field(services, "service", 1, FDP.TYPE_MESSAGE, FDP.LABEL_REPEATED,
              ".grpc.reflection.v1alpha.ServiceResponse")
    error = reflection.message_type.add(name="ErrorResponse")
    add_field(error, "error_code", 1, FDP.TYPE_INT32)
    add_field(error, "error_message", 2, FDP.TYPE_STRING)
    response = reflection.message_type.add(name="ServerReflectionResponse")
    response.oneof_decl.add(name="message_response")
    add_field(response, "valid_host", 1, FDP.TYPE_STRING)
    add_field(response, "file_descriptor_response", 4, FDP.TYPE_MESSAGE,
              type_name=".grpc.reflection.v1alpha.FileDescriptorResponse",
              oneof_index=0)
    add_field(response, "list_services_response", 6, FDP.TYPE_MESSAGE,
              type_name=".grpc.reflection.v1alpha.ListServiceResponse",
              oneof_index=0)
    add_field(response, "error_response", 7, FDP.TYPE_MESSAGE,
              type_name=".grpc.reflection.v1alpha.ErrorResponse",
              oneof_index=0)
    pool.Add(reflection)

    status = descriptor_pb2.FileDescriptorProto(
        name="google/rpc/status.proto", package="google.rpc", syntax="proto3",
        dependency=["google/protobuf/any.proto"])
    message = status.message_type.add(name="Status")
    add_field(message, "code", 1, FDP.TYPE_INT32)
    add_field(message, "message", 2, FDP.TYPE_STRING)
    add_field(message, "details", 3, FDP.TYPE_MESSAGE, FDP.LABEL_REPEATED,
              ".google.protobuf.Any")
    pool.Add(status)
    return pool


def unary(channel, method, request, response_class, timeout=10):
    call = channel.unary_unary(
        method,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response_class.FromString)
    return call(request, timeout=timeout)


def reflect(channel, pool, **request_fields):
    request_class = message_class(
        pool, "grpc.reflection.v1alpha.ServerReflectionRequest")
    response_class = message_class(
        pool, "grpc.reflection.v1alpha.ServerReflectionResponse")
    call = channel.stream_stream(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response_class.FromString)
    responses = list(call(iter([request_class(**request_fields)]), timeout=10))
    assert len(responses) == 1, responses
    response = responses[0]
    assert not response.HasField("error_response"), response
    return response


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok:", what)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-binary", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chainkg_py_") as tmp:
        server = subprocess.Popen(
            [args.server_binary, "--db", os.path.join(tmp, "db"),
             "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            match = re.search(r"listening on (\S+)", line)
            check(match is not None, "server says where it listens: " + line.strip())
            address = match.group(1)
            channel = grpc.insecure_channel(address)
            grpc.channel_ready_future(channel).result(timeout=10)
            run_checks(channel)
            channel.close()
        finally:
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=20)
        check(code == 0, "server exits 0 on SIGTERM")


def run_checks(channel):
    pool = standard_protos_pool()

    # 1. Health.
    health = unary(channel, "/grpc.health.v1.Health/Check",
                   message_class(pool, "grpc.health.v1.HealthCheckRequest")(),
                   message_class(pool, "grpc.health.v1.HealthCheckResponse"))
    check(health.status == 1, "health status is SERVING")

    # 2. Reflection: list services, then fetch GraphService's descriptors.
    listed = reflect(channel, pool, list_services="")
    names = {s.name for s in listed.list_services_response.service}
    check("chainkg.v1.GraphService" in names,
          "reflection lists chainkg.v1.GraphService among " + str(sorted(names)))
    check("grpc.health.v1.Health" in names, "reflection lists the health service")
    files = reflect(channel, pool,
                    file_containing_symbol="chainkg.v1.GraphService")
    api = descriptor_pool.DescriptorPool()
    pending = [descriptor_pb2.FileDescriptorProto.FromString(raw) for raw in
               files.file_descriptor_response.file_descriptor_proto]
    added = set()
    while pending:  # add files after their dependencies
        progress = False
        for proto in list(pending):
            if all(dep in added for dep in proto.dependency):
                api.Add(proto)
                added.add(proto.name)
                pending.remove(proto)
                progress = True
        check(progress or not pending, "reflection sent every dependency")
    service = api.FindServiceByName("chainkg.v1.GraphService")
    methods = {m.name for m in service.methods}
    check({"GetVertex", "UpsertVertices", "SearchVertices"} <= methods,
          "GraphService methods from reflection: " + str(sorted(methods)))

    # 3. GraphService through the reflected descriptors only.
    upsert_request = message_class(api, "chainkg.v1.UpsertVerticesRequest")
    upsert_response = message_class(api, "chainkg.v1.UpsertVerticesResponse")
    request = json_format.ParseDict({"vertices": [{"firm": {
        "key": "91441900708017879M",
        "name": "广东拓斯达科技股份有限公司（东莞）",
        "region_code": "441900",
        "credentials": [{"kind": "CREDENTIAL_KIND_LITTLE_GIANT",
                         "level": "LEVEL_NATIONAL", "year": 2021}]}}]},
        upsert_request())
    result = unary(channel, "/chainkg.v1.GraphService/UpsertVertices",
                   request, upsert_response)
    check(result.created == 1, "UpsertVertices created the firm")

    search = json_format.ParseDict(
        {"text": "拓斯达科技股份有限公司(东莞)", "region_prefix": "4419",
         "credential_kind": "CREDENTIAL_KIND_LITTLE_GIANT"},
        message_class(api, "chainkg.v1.SearchVerticesRequest")())
    found = unary(channel, "/chainkg.v1.GraphService/SearchVertices", search,
                  message_class(api, "chainkg.v1.SearchVerticesResponse"))
    check(len(found.vertices) == 1 and
          found.vertices[0].firm.name == "广东拓斯达科技股份有限公司（东莞）",
          "SearchVertices finds it by the half-width spelling")

    bad = json_format.ParseDict(
        {"vertices": [{"firm": {"key": "9144190070801787", "name": "x"}}]},
        upsert_request())
    try:
        unary(channel, "/chainkg.v1.GraphService/UpsertVertices", bad,
              upsert_response)
        check(False, "a malformed USCC is rejected")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT,
              "malformed USCC gives INVALID_ARGUMENT")
        check("vertices[0].firm.key" in error.details(),
              "the message names the field: " + error.details())
        details = dict(error.trailing_metadata() or ()).get(
            "grpc-status-details-bin")
        status = message_class(pool, "google.rpc.Status").FromString(details)
        check(status.code == 3 and len(status.details) == 1 and
              status.details[0].type_url.endswith("chainkg.v1.ErrorDetail"),
              "grpc-status-details-bin is a google.rpc.Status with an ErrorDetail")

    get = json_format.ParseDict(
        {"ref": {"kind": "VERTEX_KIND_FIRM", "key": "91441900708017879M"}},
        message_class(api, "chainkg.v1.GetVertexRequest")())
    got = unary(channel, "/chainkg.v1.GraphService/GetVertex", get,
                message_class(api, "chainkg.v1.GetVertexResponse"))
    check(got.vertex.firm.credentials[0].year == 2021,
          "GetVertex returns the stored credential")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print("FAILED:", failure, file=sys.stderr)
        sys.exit(1)
