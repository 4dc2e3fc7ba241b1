/**
 * Microcontroller profiles: on-chip SRAM (the arena's capacity) and flash (weights and constants).
 * Figures are the data-sheet sizes and maximum core clock of each part (KiB = 1024 bytes).
 */
import { InfeasibleError, UsageError } from '../errors.js';

export interface McuProfile {
  id: string;
  name: string;
  core: string;
  sramBytes: number;
  flashBytes: number;
  /** Core clock (Hz): estimated instructions -> milliseconds at one instruction per cycle. */
  clockHz: number;
  /**
   * The cross compiler for the core (src/emit/measure.ts builds with it; none known: undefined): its
   * target flags, and flags for compiling only (the C library's headers).
   */
  cc?: { compiler: string; flags: readonly string[]; compileFlags?: readonly string[] };
}

const KiB = 1024;
const MiB = 1024 * KiB;
const MHz = 1e6;

/** One profile; the core's description ends with its clock. */
function mcu(id: string, name: string, coreName: string, sramBytes: number, flashBytes: number, clockMHz: number, cc?: McuProfile['cc']): McuProfile {
  return { id, name, core: `${coreName} @ ${clockMHz} MHz`, sramBytes, flashBytes, clockHz: clockMHz * MHz, ...(cc ? { cc } : {}) };
}

const arm = (cpu: string): McuProfile['cc'] => ({ compiler: 'arm-none-eabi-gcc', flags: [`-mcpu=${cpu}`, '-mthumb'] });
const riscv = (arch: string): McuProfile['cc'] => ({ compiler: 'riscv64-unknown-elf-gcc', flags: [`-march=${arch}`, '-mabi=ilp32', '-mcmodel=medany'], compileFlags: ['-specs=picolibc.specs'] });

export const MCUS: readonly McuProfile[] = [
  mcu('stm32f767zi', 'STM32F767ZI', 'Cortex-M7', 512 * KiB, 2 * MiB, 216, arm('cortex-m7')),
  mcu('stm32f746zg', 'STM32F746ZG', 'Cortex-M7', 320 * KiB, 1 * MiB, 216, arm('cortex-m7')),
  mcu('stm32h743zi', 'STM32H743ZI', 'Cortex-M7', 1024 * KiB, 2 * MiB, 480, arm('cortex-m7')),
  mcu('stm32f412zg', 'STM32F412ZG', 'Cortex-M4', 256 * KiB, 1 * MiB, 100, arm('cortex-m4')),
  mcu('nrf52840', 'nRF52840', 'Cortex-M4F', 256 * KiB, 1 * MiB, 64, arm('cortex-m4')),
  mcu('nrf5340', 'nRF5340 (application core)', 'Cortex-M33', 512 * KiB, 1 * MiB, 128, arm('cortex-m33')),
  mcu('rp2040', 'RP2040 (Pico, 2 MB QSPI flash)', 'dual Cortex-M0+', 264 * KiB, 2 * MiB, 133, arm('cortex-m0plus')),
  mcu('rp2350', 'RP2350 (Pico 2, 4 MB QSPI flash)', 'dual Cortex-M33', 520 * KiB, 4 * MiB, 150, arm('cortex-m33')),
  mcu('esp32', 'ESP32 (WROOM-32, 4 MB flash)', 'Xtensa LX6', 520 * KiB, 4 * MiB, 240),
  mcu('esp32c3', 'ESP32-C3 (4 MB flash)', 'RV32IMC', 400 * KiB, 4 * MiB, 160, riscv('rv32imc')),
  mcu('gd32vf103', 'GD32VF103CB (Longan Nano)', 'RV32IMAC (Bumblebee)', 32 * KiB, 128 * KiB, 108, riscv('rv32imac')),
  mcu('fe310', 'SiFive FE310-G002 (HiFive1 Rev B)', 'RV32IMAC', 16 * KiB, 4 * MiB, 320, riscv('rv32imac')),
];

export function mcuProfile(id: string): McuProfile {
  const p = MCUS.find((m) => m.id === id.toLowerCase());
  if (!p) throw new UsageError(`--mcu: unknown microcontroller "${id}"; choose one of ${MCUS.map((m) => m.id).join(', ')}`);
  return p;
}

/** Refuses a model whose constant data does not fit the part's flash. */
export function checkFlash(mcu: McuProfile, flashBytesNeeded: number): void {
  if (flashBytesNeeded > mcu.flashBytes)
    throw new InfeasibleError(
      `the model's weights and constants need ${flashBytesNeeded} B of flash, but the ${mcu.name} has ${mcu.flashBytes} B; choose a larger part or a smaller model`,
    );
}
