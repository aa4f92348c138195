# lit configuration for leakguard's clang-tidy check tests.
import os
import lit.formats

config.name = "leakguard-checks"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.leakguard_binary_dir, "test", "checks")

here = os.path.dirname(__file__)
runner = os.path.join(here, "check_tidy.py")
inputs = os.path.join(here, "Inputs")
common = (
    f'"{config.python}" "{runner}" --clang-tidy "{config.clang_tidy}" '
    f'--plugin "{config.leakguard_plugin}" --filecheck "{config.filecheck}" '
    f'--mock-include "{inputs}"'
)
config.substitutions.append(("%check_tidy", common))
config.substitutions.append(("%clang_tidy_plugin", config.leakguard_plugin))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%leakguard_include", os.path.join(config.leakguard_source_dir, "include")))
config.substitutions.append(("%leakguard_src", config.leakguard_source_dir))
config.substitutions.append(("%inputs", inputs))
