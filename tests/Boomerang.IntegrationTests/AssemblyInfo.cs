// These tests drive real processes, bash scripts, /proc and SIGKILL: Linux (and other Unixes) only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
