/**
 * Microcontroller profiles: on-chip SRAM (the arena's capacity) and flash (weights and constants).
 * Figures are the data-sheet sizes of each part (KiB = 1024 bytes).
 */
import { InfeasibleError, UsageError } from '../errors.js';

export interface McuProfile {
  id: string;
  name: string;
  core: string;
  sramBytes: number;
  flashBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const MCUS: readonly McuProfile[] = [
  { id: 'stm32f767zi', name: 'STM32F767ZI', core: 'Cortex-M7 @ 216 MHz', sramBytes: 512 * KiB, flashBytes: 2 * MiB },
  { id: 'stm32f746zg', name: 'STM32F746ZG', core: 'Cortex-M7 @ 216 MHz', sramBytes: 320 * KiB, flashBytes: 1 * MiB },
  { id: 'stm32f412zg', name: 'STM32F412ZG', core: 'Cortex-M4 @ 100 MHz', sramBytes: 256 * KiB, flashBytes: 1 * MiB },
  { id: 'nrf52840', name: 'nRF52840', core: 'Cortex-M4F @ 64 MHz', sramBytes: 256 * KiB, flashBytes: 1 * MiB },
  { id: 'rp2040', name: 'RP2040 (Pico, 2 MB QSPI flash)', core: 'dual Cortex-M0+ @ 133 MHz', sramBytes: 264 * KiB, flashBytes: 2 * MiB },
  { id: 'esp32', name: 'ESP32 (WROOM-32, 4 MB flash)', core: 'Xtensa LX6 @ 240 MHz', sramBytes: 520 * KiB, flashBytes: 4 * MiB },
  { id: 'fe310', name: 'SiFive FE310-G002 (HiFive1 Rev B)', core: 'RV32IMAC @ 320 MHz', sramBytes: 16 * KiB, flashBytes: 4 * MiB },
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
