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
}

const KiB = 1024;
const MiB = 1024 * KiB;
const MHz = 1e6;

/** One profile; the core's description ends with its clock. */
function mcu(id: string, name: string, coreName: string, sramBytes: number, flashBytes: number, clockMHz: number): McuProfile {
  return { id, name, core: `${coreName} @ ${clockMHz} MHz`, sramBytes, flashBytes, clockHz: clockMHz * MHz };
}

export const MCUS: readonly McuProfile[] = [
  mcu('stm32f767zi', 'STM32F767ZI', 'Cortex-M7', 512 * KiB, 2 * MiB, 216),
  mcu('stm32f746zg', 'STM32F746ZG', 'Cortex-M7', 320 * KiB, 1 * MiB, 216),
  mcu('stm32h743zi', 'STM32H743ZI', 'Cortex-M7', 1024 * KiB, 2 * MiB, 480),
  mcu('stm32f412zg', 'STM32F412ZG', 'Cortex-M4', 256 * KiB, 1 * MiB, 100),
  mcu('nrf52840', 'nRF52840', 'Cortex-M4F', 256 * KiB, 1 * MiB, 64),
  mcu('nrf5340', 'nRF5340 (application core)', 'Cortex-M33', 512 * KiB, 1 * MiB, 128),
  mcu('rp2040', 'RP2040 (Pico, 2 MB QSPI flash)', 'dual Cortex-M0+', 264 * KiB, 2 * MiB, 133),
  mcu('rp2350', 'RP2350 (Pico 2, 4 MB QSPI flash)', 'dual Cortex-M33', 520 * KiB, 4 * MiB, 150),
  mcu('esp32', 'ESP32 (WROOM-32, 4 MB flash)', 'Xtensa LX6', 520 * KiB, 4 * MiB, 240),
  mcu('esp32c3', 'ESP32-C3 (4 MB flash)', 'RV32IMC', 400 * KiB, 4 * MiB, 160),
  mcu('gd32vf103', 'GD32VF103CB (Longan Nano)', 'RV32IMAC (Bumblebee)', 32 * KiB, 128 * KiB, 108),
  mcu('fe310', 'SiFive FE310-G002 (HiFive1 Rev B)', 'RV32IMAC', 16 * KiB, 4 * MiB, 320),
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
