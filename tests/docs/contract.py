#!/usr/bin/env python3
"""Checks the header contract of every exported function in include/cequel/*.h.

Each CQ_EXTERN function must have a doc comment (a /** */ block right before it, or a
trailing /**< */). One that returns a status (int, except the few listed in NOT_STATUS that
return a number) must name CQ_OK and at least one CQ_E* code. Every pointer parameter must
have an @param whose text says who owns it, and a function returning a pointer must say so
in its text, with one of OWNERSHIP_WORDS. Usage: contract.py INCLUDE_DIR [--count]
"""
import os
import re
import sys

NOT_STATUS = {"cq_model_attr_length", "cq_model_attr_precision", "cq_model_attr_scale"}
OWNERSHIP = re.compile(r"borrow|owned|owns|owner|caller|free|taken|takes|copied|copies|"
                       r"kept|static|not kept", re.I)
CODE = re.compile(r"\bCQ_E[A-Z_]+\b")

decl_re = re.compile(r"CQ_EXTERN\s+(?!extern\b)([^;{]*?)\(([^;]*?)\)\s*;", re.S)


def split_params(params):
    params = params.strip()
    if params in ("", "void"):
        return []
    return [p.strip() for p in params.split(",")]


def param_name(p):
    if p == "...":
        return None
    m = re.search(r"(\w+)\s*(\[\s*\])?$", p)
    return m.group(1) if m else None


def param_docs(comment):
    """@param entries: name -> text up to the next @ command or the end."""
    docs = {}
    for m in re.finditer(r"@param(?:\[[a-z,]+\])?\s+(\w+)(.*?)(?=@\w|\*/|$)", comment, re.S):
        docs[m.group(1)] = m.group(2)
    return docs


def check(path, text, problems, counts):
    for m in decl_re.finditer(text):
        head, params = m.group(1), m.group(2)
        nm = re.search(r"(\w+)\s*$", head)
        if not nm:
            continue
        name = nm.group(1)
        rettype = head[: nm.start()].strip()
        line = text.count("\n", 0, m.start()) + 1
        where = f"{os.path.basename(path)}:{line}: {name}"
        before = text[: m.start()].rstrip()
        comment = ""
        if before.endswith("*/"):
            start = before.rfind("/**")
            plain = before.rfind("/*")
            if start != -1 and start == plain:
                comment = before[start:]
        eol = text.find("\n", m.end())
        trailing = text[m.end(): eol if eol != -1 else len(text)]
        if "/**<" in trailing:
            comment += trailing
        counts["exports"] += 1
        if not comment:
            problems.append(f"{where}: no doc comment")
            counts["undocumented"] += 1
            continue
        if rettype == "int" and name not in NOT_STATUS:
            counts["status"] += 1
            if not CODE.search(comment) or "CQ_OK" not in comment:
                problems.append(f"{where}: returns a status but names no CQ_OK / CQ_E* code")
                counts["status_without_code"] += 1
        docs = param_docs(comment)
        for p in split_params(params):
            pn = param_name(p)
            if pn is None or "*" not in p:
                continue
            counts["pointer_params"] += 1
            if pn not in docs or not OWNERSHIP.search(docs[pn]):
                problems.append(f"{where}: pointer parameter `{pn}` has no @param saying who "
                                "owns it (borrowed, owned, caller, freed, taken, copied, kept, "
                                "static)")
                counts["pointer_params_without_owner"] += 1
        if "*" in rettype:
            counts["pointer_returns"] += 1
            body = re.split(r"@param", comment)[0]
            ret = re.search(r"@return(.*?)(?=@\w|\*/|$)", comment, re.S)
            if ret:
                body += ret.group(1)
            if not OWNERSHIP.search(body):
                problems.append(f"{where}: returns a pointer but does not say who owns it")
                counts["pointer_returns_without_owner"] += 1


def main():
    inc = sys.argv[1]
    counts = dict.fromkeys(["exports", "undocumented", "status", "status_without_code",
                            "pointer_params", "pointer_params_without_owner",
                            "pointer_returns", "pointer_returns_without_owner"], 0)
    problems = []
    files = [os.path.join(inc, "cequel.h")]
    sub = os.path.join(inc, "cequel")
    files += sorted(os.path.join(sub, f) for f in os.listdir(sub) if f.endswith(".h"))
    for f in files:
        with open(f, encoding="utf-8") as fh:
            check(f, fh.read(), problems, counts)
    for p in problems:
        print(p)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    if problems:
        print(f"FAIL: {len(problems)} problems: every exported function needs a doc comment, "
              "a status-returning one names its CQ_E* codes, every pointer in or out says who "
              "owns it")
        return 1
    print("header contract: every export documented, its codes named, ownership stated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
