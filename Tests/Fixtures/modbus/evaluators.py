"""RS-485 evaluator keypads played by pymodbus, an independent Modbus RTU implementation.

Usage: evaluators.py UNITS   (e.g. "1,2": those addresses answer; any other address on the bus is dead)

Makes two pseudo-terminals joined like a null-modem cable, serves the keypads on one end and prints
{"port": "/dev/pts/N"} with the other end for counterd. Then reads commands on stdin, one a line:
  press UNIT KEY      the counter goes up by one, the last key becomes KEY
  jump UNIT N KEY     the counter goes up by N at once (presses lost between polls)
  restart UNIT        the keypad restarts: counter back to 0
  state               prints {"UNIT": {"prompts": [...], "name": [...], "reads": N}, ...}
  quit
Register map (counterd's default profile): input 0 = counter, input 1 = last key;
holding 0x10 = prompt, holding 0x20–0x2F = clerk name.
"""
import asyncio, functools, json, os, sys

from nullmodem import open_pair

from pymodbus.server import ModbusSerialServer
from pymodbus.simulator import DataType, SimData, SimDevice

units = {int(u): {"counter": 0, "key": 0, "prompts": [], "name": [], "reads": 0} for u in sys.argv[1].split(",")}

counterd_side, peer_side = open_pair()


async def action(unit, function_code, start_address, address, count, current_registers, set_values):
    st = units[unit]
    if function_code == 4:
        st["reads"] += 1
        regs = {0: st["counter"], 1: st["key"]}
        for i in range(len(current_registers)):
            current_registers[i] = regs.get(start_address + i, 0)
    elif set_values is None:
        pass  # pymodbus reads a written register back for its reply: that read is no new prompt
    elif function_code == 6 and address == 0x10:
        st["prompts"].append(set_values[0])
    elif function_code == 16 and address == 0x20:
        st["name"] = list(set_values)
    return None


def device(unit):
    return SimDevice(
        id=unit,
        simdata=(
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0, count=1, datatype=DataType.BITS)],
            [SimData(0x10, count=1, datatype=DataType.REGISTERS), SimData(0x20, count=16, datatype=DataType.REGISTERS)],
            [SimData(0, count=2, datatype=DataType.REGISTERS)],
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
        if words[0] == "press":
            st = units[int(words[1])]
            st["counter"] = (st["counter"] + 1) % 65536
            st["key"] = int(words[2])
        elif words[0] == "jump":
            st = units[int(words[1])]
            st["counter"] = (st["counter"] + int(words[2])) % 65536
            st["key"] = int(words[3])
        elif words[0] == "restart":
            units[int(words[1])]["counter"] = 0
        elif words[0] == "state":
            print(json.dumps({u: {k: v for k, v in st.items() if k in ("prompts", "name", "reads")} for u, st in units.items()}), flush=True)


async def main():
    server = ModbusSerialServer([device(u) for u in units], port=peer_side, baudrate=9600, bytesize=8, parity="N", stopbits=1)
    print(json.dumps({"port": counterd_side}), flush=True)
    await asyncio.gather(server.serve_forever(), commands())


asyncio.run(main())
