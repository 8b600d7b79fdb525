"""Modbus LED number screens played by pymodbus, an independent Modbus RTU implementation.

Usage: leds.py UNITS DIGITS   (e.g. "1,2" 3)

Makes two pseudo-terminals joined like a null-modem cable, serves the screens on one end and prints
{"port": "/dev/pts/N"} with the other end for counterd. Then reads commands on stdin, one a line:
  state   prints {"UNIT": {"values": [...], "segments": [[...], ...]}, ...}: every FC06 write to holding
          register 0 (the number) and every FC16 write to holding registers 0x10… (one bitmap per digit)
  quit
"""
import asyncio, functools, json, os, sys

from nullmodem import open_pair

from pymodbus.server import ModbusSerialServer
from pymodbus.simulator import DataType, SimData, SimDevice

units = {int(u): {"values": [], "segments": []} for u in sys.argv[1].split(",")}
digits = int(sys.argv[2])

counterd_side, peer_side = open_pair()


async def action(unit, function_code, start_address, address, count, current_registers, set_values):
    st = units[unit]
    if set_values is None:
        pass  # the read-back pymodbus does for its reply
    elif function_code == 6 and address == 0:
        st["values"].append(set_values[0])
    elif function_code == 16 and address == 0x10:
        st["segments"].append(list(set_values))
    return None


def device(unit):
    return SimDevice(
        id=unit,
        simdata=(
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0, count=1, datatype=DataType.REGISTERS), SimData(0x10, count=digits, datatype=DataType.REGISTERS)],
            [SimData(0, count=1, datatype=DataType.REGISTERS)],
        ),
        action=functools.partial(action, unit),
    )


async def commands():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        words = line.split()
        if not words or words[0] == "quit":
            os._exit(0)
        if words[0] == "state":
            print(json.dumps(units), flush=True)


async def main():
    server = ModbusSerialServer([device(u) for u in units], port=peer_side, baudrate=9600, bytesize=8, parity="N", stopbits=1)
    print(json.dumps({"port": counterd_side}), flush=True)
    await asyncio.gather(server.serve_forever(), commands())


asyncio.run(main())
